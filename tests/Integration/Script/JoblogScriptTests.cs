using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using System.Text.RegularExpressions;
using JobLog.Integration.Fixtures;
using Xunit;

namespace JobLog.Integration.Script;

/// <summary>The README's run command as a user runs it: from any directory, with ports of their choosing.</summary>
public sealed partial class JoblogScriptTests(RunningScriptCluster running) : IClassFixture<RunningScriptCluster>
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    [Fact]
    public async Task Ports_given_to_up_are_used_by_every_later_command_without_the_variables()
    {
        await using var script = new JoblogScript();
        var (postgresPort, zooKeeperPort, nodePort) = FreePorts();
        var up = await script.RunAsync(Ports(postgresPort, zooKeeperPort, nodePort), "up", "--nodes", "1");
        Assert.True(up.ExitCode == 0, up.ToString());

        var status = await script.RunAsync(NoSettings, "status");
        Assert.Contains($"postgres  running  127.0.0.1:{postgresPort}", status.Output);
        Assert.Contains($"zookeeper running  127.0.0.1:{zooKeeperPort}", status.Output);
        Assert.Contains($"node-1    running  http://127.0.0.1:{nodePort}", status.Output);

        Assert.Equal(0, (await script.RunAsync(NoSettings, "node", "stop", "1")).ExitCode);
        Assert.False(IsListening(nodePort), $"node 1 still answers on {nodePort} after node stop");
        var restart = await script.RunAsync(NoSettings, "node", "start", "1");
        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.True(IsListening(nodePort), $"node 1 restarted without the variables does not answer on {nodePort}: {restart}");

        var down = await script.RunAsync(NoSettings, "down");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.False(IsListening(postgresPort), $"PostgreSQL still answers on {postgresPort} after down: {down}");
        Assert.False(IsListening(zooKeeperPort), $"ZooKeeper still answers on {zooKeeperPort} after down: {down}");
        Assert.False(IsListening(nodePort), $"node 1 still answers on {nodePort} after down: {down}");
    }

    [Fact]
    public async Task A_port_variable_that_contradicts_the_running_cluster_is_refused_by_name()
    {
        var other = running.PostgresPort == 65535 ? running.PostgresPort - 1 : running.PostgresPort + 1;
        var status = await running.Script.RunAsync(new Dictionary<string, string> { ["JOBLOG_PG_PORT"] = $"{other}" }, "status");

        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains($"JOBLOG_PG_PORT={running.PostgresPort}", status.Error);
        Assert.True(IsListening(running.PostgresPort), "the refused command must leave the running cluster alone");
    }

    [Fact]
    public async Task Nodes_started_from_another_directory_run_with_their_own_settings()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{running.NodePort}") };
        for (var i = 0; i < 5; i++)
            (await http.GetAsync("/jobs")).EnsureSuccessStatusCode();

        var log = running.Script.NodeLog(1);
        Assert.Contains("Schedule loaded", log);
        // appsettings.json sets Microsoft.AspNetCore to Warning: a node that missed it logs every request at Information.
        Assert.DoesNotContain("Request starting", log);
    }

    [Fact]
    public async Task Up_names_the_port_that_is_taken_and_the_process_holding_it()
    {
        await using var script = new JoblogScript();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (_, zooKeeperPort, nodePort) = FreePorts();
        var up = await script.RunAsync(Ports(taken, zooKeeperPort, nodePort), "up", "--nodes", "1");

        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains($"port {taken}", up.Error);
        Assert.Contains($"pid {Environment.ProcessId}", up.Error);
    }

    [Fact]
    public void Default_ports_lie_outside_the_kernels_ephemeral_port_range()
    {
        var text = File.ReadAllText(Path.Combine(JoblogScript.RepositoryRoot, "joblog"));
        var postgres = int.Parse(DefaultPostgresPort().Match(text).Groups[1].Value);
        var zooKeeper = int.Parse(DefaultZooKeeperPort().Match(text).Groups[1].Value);
        var firstNode = int.Parse(DefaultBasePort().Match(text).Groups[1].Value) + 1;
        var lastNode = firstNode + 98;
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        bool Ephemeral(int port) => port >= range[0] && port <= range[1];
        Assert.False(Ephemeral(postgres), $"PostgreSQL's default port {postgres} lies in {range[0]}-{range[1]}");
        Assert.False(Ephemeral(zooKeeper), $"ZooKeeper's default port {zooKeeper} lies in {range[0]}-{range[1]}");
        Assert.False(firstNode <= range[1] && lastNode >= range[0], $"node ports {firstNode}-{lastNode} overlap {range[0]}-{range[1]}");
    }

    internal static Dictionary<string, string> Ports(int postgres, int zooKeeper, int firstNode) => new()
    {
        ["JOBLOG_PG_PORT"] = $"{postgres}",
        ["JOBLOG_ZK_PORT"] = $"{zooKeeper}",
        ["JOBLOG_BASE_PORT"] = $"{firstNode - 1}",
    };

    internal static (int Postgres, int ZooKeeper, int Node) FreePorts() =>
        ZooKeeperServer.FreePorts(3) is [var postgres, var zooKeeper, var node] ? (postgres, zooKeeper, node) : throw new UnreachableException();

    private static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^DEFAULT_PG_PORT=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex DefaultPostgresPort();

    [GeneratedRegex(@"^DEFAULT_ZK_PORT=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex DefaultZooKeeperPort();

    [GeneratedRegex(@"^DEFAULT_BASE_PORT=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex DefaultBasePort();
}
