using System.Net;
using System.Net.Http.Json;
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
        http.DefaultRequestHeaders.Authorization = new("Bearer", running.AdminKey);
        for (var i = 0; i < 5; i++)
            (await http.GetAsync("/jobs")).EnsureSuccessStatusCode();

        var log = running.Script.NodeLog(1);
        Assert.Contains("Schedule loaded", log);
        // appsettings.json sets Microsoft.AspNetCore to Warning: a node that missed it logs every request at Information.
        Assert.DoesNotContain("Request starting", log);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Up_makes_an_admin_key_readable_by_its_owner_only_and_says_how_to_send_it()
    {
        var file = Path.Combine(running.Script.StateDirectory, "admin.key");
        var key = running.AdminKey;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Matches("^jl_[A-Za-z0-9_-]{43}$", key);
        Assert.Contains(key, running.Up.Output);
        Assert.Contains("export JOBLOG_KEY=", running.Up.Output);
        Assert.Contains("Authorization: Bearer $JOBLOG_KEY", running.Up.Output);
        // The nodes' settings hold the key's hash, never the key.
        Assert.DoesNotContain(key, File.ReadAllText(Path.Combine(running.Script.StateDirectory, "auth", "api-keys.json")));
        using var http = NodeClient(key);
        var created = await http.PostAsync("/jobs", JsonContent.Create(Api.Http.NewJob(Api.Http.NewId())));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Up_prints_the_web_console_address_and_the_node_serves_the_console_from_its_build_folder()
    {
        var address = $"http://127.0.0.1:{running.NodePort}/";
        Assert.Contains($"Web console (every node serves it; sign in with the admin key below): {address}", running.Up.Output);
        using var anonymous = NodeClient(null);

        var page = await anonymous.GetAsync("/");
        var script = await anonymous.GetAsync("/js/app.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>JobLog console</title>", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task A_key_made_by_key_create_works_against_a_running_node_with_its_role_until_it_is_deleted()
    {
        var name = $"reader-{Guid.NewGuid():N}"[..16];
        var created = await running.Script.RunAsync(NoSettings, "key", "create", name, "viewer");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.Output.Trim();
        Assert.Matches("^jl_[A-Za-z0-9_-]{43}$", key);
        using var reader = NodeClient(key);
        using var anonymous = NodeClient(null);

        await Eventually(async () => (await reader.GetAsync("/jobs")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), $"the running node accepts the new key {name}");
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/jobs", JsonContent.Create(Api.Http.NewJob(Api.Http.NewId())))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/jobs")).StatusCode);
        Assert.Contains(name, (await running.Script.RunAsync(NoSettings, "key", "list")).Output);

        var deleted = await running.Script.RunAsync(NoSettings, "key", "delete", name);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        await Eventually(async () => (await reader.GetAsync("/jobs")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30), $"the running node refuses the deleted key {name}");
    }

    [Theory]
    [InlineData("bad name", "viewer", "key name")]
    [InlineData("ci", "root", "role must be one of")]
    public async Task Key_create_refuses_a_bad_name_or_role_and_writes_nothing(string name, string role, string says)
    {
        var before = File.ReadAllText(Path.Combine(running.Script.StateDirectory, "auth", "api-keys"));

        var refused = await running.Script.RunAsync(NoSettings, "key", "create", name, role);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(says, refused.Error);
        Assert.Equal("", refused.Output);
        Assert.Equal(before, File.ReadAllText(Path.Combine(running.Script.StateDirectory, "auth", "api-keys")));
    }

    private HttpClient NodeClient(string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{running.NodePort}") };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
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
