using Xunit;

namespace JobLog.Integration.Script;

/// <summary>One cluster brought up by the script for the tests that only look at it.</summary>
public sealed class RunningScriptCluster : IAsyncLifetime
{
    public JoblogScript Script { get; } = new();

    public int PostgresPort { get; private set; }

    public int NodePort { get; private set; }

    public async Task InitializeAsync()
    {
        var (postgres, zooKeeper, node) = JoblogScriptTests.FreePorts();
        var up = await Script.RunAsync(JoblogScriptTests.Ports(postgres, zooKeeper, node), "up", "--nodes", "1");
        if (up.ExitCode != 0)
            throw new InvalidOperationException($"./joblog up failed: {up}");
        (PostgresPort, NodePort) = (postgres, node);
    }

    public async Task DisposeAsync() => await Script.DisposeAsync();
}
