using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Microsoft.Playwright;
using Xunit;

namespace JobLog.Integration.Browser;

/// <summary>
/// For one test class: two nodes on real PostgreSQL (one schema) joined through a real ZooKeeper, each served by Kestrel
/// on a free loopback port, and one headless Debian Chromium driven by Playwright; each test opens its own page.
/// Started by the first test that asks, since the servers come from collection fixtures.
/// </summary>
public sealed class ConsoleCluster : IAsyncLifetime
{
    /// <summary>Debian's package; Playwright's own browser download needs the internet. ./joblog test installs it.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    // The closed network refuses Chromium's background connections (updates, sync, QUIC probes); they would only log errors.
    private static readonly string[] ChromiumFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ApiHost> _hosts = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IReadOnlyList<(string NodeId, Uri Address)> Nodes { get; private set; } = [];

    /// <summary>A client of the first node that sends the admin key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The console cluster was not started yet.");

    public Uri Address => Nodes[0].Address;

    /// <summary>Where every test leaves its screenshot.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task StartAsync(PostgresFixture postgres, ZooKeeperFixture zookeeper)
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is not null)
                return;
            var root = ZooKeeperFixture.UniquePath("console");
            var schema = PostgresFixture.NewSchemaName();
            var nodes = new List<(string, Uri)>();
            foreach (var nodeId in new[] { "console-a", "console-b" })
            {
                var host = new ApiHost(postgres.ConnectionString, schema)
                {
                    NodeId = nodeId,
                    Settings = new Dictionary<string, string?>
                    {
                        ["JobLog:ZooKeeper:ConnectionString"] = zookeeper.ConnectionString,
                        ["JobLog:ZooKeeper:Root"] = root,
                        ["JobLog:ZooKeeper:TickInterval"] = "00:00:00.200",
                    },
                };
                _hosts.Add(host);
                nodes.Add((nodeId, host.StartOnFreePort()));
                using var ready = await host.ReadyClientAsync();
            }
            Nodes = nodes;
            Admin = TestKeys.Client(Address);
            Directory.CreateDirectory(ScreenshotFolder);
            _playwright = await Playwright.CreateAsync();
            // Playwright gives each launch a fresh profile (--user-data-dir in a new temporary folder) and adds --headless.
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumFlags,
                Timeout = 120_000,
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        Admin?.Dispose();
        foreach (var host in _hosts)
            await host.DisposeAsync();
        _gate.Dispose();
    }
}
