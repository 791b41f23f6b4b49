using JobLog.Integration.Fixtures;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>One node per test class served by Kestrel on a free loopback port, for raw HTTP; started by the first test that asks.</summary>
public class KestrelApiFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ApiHost? _host;
    private Uri? _address;

    /// <summary>The node's address once it reports ready.</summary>
    public async Task<Uri> StartAsync(PostgresFixture postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (_host is null)
            {
                _host = new ApiHost(postgres.ConnectionString);
                _address = _host.StartOnFreePort(Configure);
                await _host.ReadyClientAsync();
            }
            return _address!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public ApiHost Host => _host ?? throw new InvalidOperationException("The node was not started yet.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        _gate.Dispose();
    }

    /// <summary>Kestrel settings on top of the node's own; none by default, so the node runs as in production.</summary>
    protected virtual void Configure(KestrelServerOptions kestrel)
    {
    }
}
