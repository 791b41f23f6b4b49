using JobLog.Integration.Fixtures;
using JobLog.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>
/// One node on PostgreSQL (alone, so it leads and dispatches) allowed to call loopback, with a webhook receiver to call
/// and every log entry it writes, at Debug and above, kept for searching.
/// </summary>
public sealed class SecretHostFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private ApiHost? _host;

    public CapturedLogs Logs { get; } = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    public ApiHost Host => _host ?? throw new InvalidOperationException("No client was created yet.");

    public Task<HttpClient> ReadyClientAsync(PostgresFixture postgres)
    {
        lock (_gate)
        {
            _host ??= new ApiHost(postgres.ConnectionString, services: services => services.AddSingleton<ILoggerProvider>(Logs))
            {
                Settings = new Dictionary<string, string?>
                {
                    ["JobLog:Dispatch:Targets:Allow:0"] = "127.0.0.0/8",
                    ["Logging:LogLevel:Default"] = "Debug",
                },
            };
        }
        return _host.ReadyClientAsync();
    }

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
