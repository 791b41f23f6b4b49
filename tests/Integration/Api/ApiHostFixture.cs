using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>One API host (and so one schema) per test class, started by the first test that asks for it.</summary>
public sealed class ApiHostFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private ApiHost? _host;

    /// <summary>A client of the class's host once it reports ready: its schema exists and its schedule is loaded.</summary>
    public Task<HttpClient> ReadyClientAsync(PostgresFixture postgres)
    {
        lock (_gate)
            _host ??= new ApiHost(postgres.ConnectionString);
        return _host.ReadyClientAsync();
    }

    public ApiHost Host => _host ?? throw new InvalidOperationException("No client was created yet.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
