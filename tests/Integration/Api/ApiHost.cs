using JobLog.Integration.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobLog.Integration.Api;

/// <summary>The real API in-process on its own schema, with short catch-up intervals so tests wait less.</summary>
public sealed class ApiHost(string? connectionString, string? schema = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private bool _onKestrel;

    public string Schema { get; } = schema ?? PostgresFixture.NewSchemaName();

    public string NodeId { get; init; } = "test-node";

    /// <summary>Settings that override the defaults above, e.g. a catch-up interval.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>A client once the node reports ready: its schema exists and its schedule is loaded.</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        await Eventually(async () => (await client.GetAsync("/readyz")).StatusCode == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), $"node {NodeId} reports ready");
        return client;
    }

    /// <summary>
    /// Serves on Kestrel at a free loopback port instead of the in-memory test server, for tests that speak raw HTTP
    /// to the real web server; returns the node's address.
    /// </summary>
    public Uri StartOnFreePort(Action<KestrelServerOptions>? kestrel = null)
    {
        _onKestrel = true;
        UseKestrel(0);
        if (kestrel is not null)
            UseKestrel(kestrel);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    /// <summary>A client that sends no credential at all.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>Every client of the host sends the admin test key unless the test sets another.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = TestKeys.Admin.Bearer;
    }

    /// <summary>
    /// Starts the host as the base does, except that a node which fails to start always throws its own failure. The
    /// factory runs Program on a thread of its own, where app.Run starts the host and, when the start fails, disposes
    /// it before the factory learns of the failure. The factory's StartAsync takes the host's lifetime from the host's
    /// services before its first await; had the failed start disposed them already, it threw ObjectDisposedException
    /// instead of the failure. So the host's start waits until that call has begun.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        // On Kestrel the base gives the server its free port between the host's build and its start; the nodes tests start
        // there are valid ones (the tests of a refused start use the test server).
        if (_onKestrel)
            return base.CreateHost(builder);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.ConfigureServices(services => GatedHostLifetime.Wrap(services, gate.Task));
        var host = builder.Build();
        Task started;
        try
        {
            started = host.StartAsync();
        }
        finally
        {
            gate.SetResult();
        }
        try
        {
            // CreateHost is synchronous; the base blocks the same way in host.Start().
            started.GetAwaiter().GetResult();
            return host;
        }
        catch
        {
            // The factory keeps only a host that started, so nothing else disposes one that failed before app.Run
            // (Program throwing while it maps endpoints); one that failed in app.Run is disposed already.
            host.Dispose();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JobLog:Postgres"] = connectionString,
            ["JobLog:Schema"] = Schema,
            ["JobLog:NodeId"] = NodeId,
            ["JobLog:CatchUp:TailInterval"] = "00:00:00.100",
            ["JobLog:CatchUp:ReconcileInterval"] = "00:00:01",
            ["JobLog:CatchUp:RetryDelay"] = "00:00:00.200",
            ["JobLog:Store:CallTimeout"] = "00:00:15",
        }).AddInMemoryCollection(TestKeys.Settings).AddInMemoryCollection(Settings));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (services is not null)
            builder.ConfigureTestServices(services);
    }
}
