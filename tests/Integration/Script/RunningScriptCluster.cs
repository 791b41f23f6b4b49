using Xunit;

namespace JobLog.Integration.Script;

/// <summary>One cluster brought up by the script for the tests that only look at it.</summary>
public sealed class RunningScriptCluster : IAsyncLifetime
{
    public JoblogScript Script { get; } = new();

    public int PostgresPort { get; private set; }

    public int NodePort { get; private set; }

    /// <summary>What <c>./joblog up</c> said.</summary>
    public ScriptResult Up { get; private set; } = null!;

    /// <summary>The admin key <c>up</c> made and kept in the state directory.</summary>
    public string AdminKey => File.ReadAllText(Path.Combine(Script.StateDirectory, "admin.key")).Trim();

    public async Task InitializeAsync()
    {
        var (postgres, zooKeeper, node) = JoblogScriptTests.FreePorts();
        var up = await Script.RunAsync(JoblogScriptTests.Ports(postgres, zooKeeper, node), "up", "--nodes", "1");
        if (up.ExitCode != 0)
            throw new InvalidOperationException($"./joblog up failed: {up}");
        (PostgresPort, NodePort, Up) = (postgres, node, up);
    }

    public async Task DisposeAsync() => await Script.DisposeAsync();
}
