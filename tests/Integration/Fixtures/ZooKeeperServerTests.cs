using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace JobLog.Integration.Fixtures;

[Collection(ZooKeeperFixture.Collection)]
public sealed class ZooKeeperServerTests(ZooKeeperFixture zookeeper)
{
    private static CancellationToken Within(TimeSpan time) => new CancellationTokenSource(time).Token;

    [Fact]
    public async Task A_standalone_server_answers_srvr_on_loopback()
    {
        var answer = await zookeeper.Server.FourLetterWordAsync("srvr", Within(TimeSpan.FromSeconds(10)));

        Assert.Contains("Mode: standalone", answer);
        Assert.StartsWith("127.0.0.1:", zookeeper.ConnectionString);
    }

    [Fact]
    public async Task ZkCli_creates_a_znode_and_reads_it_back()
    {
        var path = ZooKeeperFixture.UniquePath("zkcli");

        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"create {path} \"two words\""], Within(TimeSpan.FromSeconds(60)));
        var read = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"get {path}"], Within(TimeSpan.FromSeconds(60)));

        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, read.ExitCode);
        Assert.Equal(["two words"], read.OutputLines);
    }

    [Fact]
    public async Task ZkCli_runs_several_commands_in_one_session()
    {
        var path = ZooKeeperFixture.UniquePath("zkcli");

        var result = await ZkCli.RunAsync(
            zookeeper.ConnectionString,
            [$"create {path} first", $"set {path} second", $"get {path}", $"get {path}/missing"],
            Within(TimeSpan.FromSeconds(60)));

        Assert.Equal(["second"], result.OutputLines);
        Assert.Contains($"Created {path}", result.StandardError);
        Assert.Contains($"Node does not exist: {path}/missing", result.StandardError);
    }

    [Fact]
    public async Task Ttl_nodes_are_enabled()
    {
        var path = ZooKeeperFixture.UniquePath("ttl");

        var created = await ZkCli.RunAsync(zookeeper.ConnectionString, [$"create -t 60000 {path} data"], Within(TimeSpan.FromSeconds(60)));

        Assert.True(created.ExitCode == 0, created.StandardError);
        Assert.Contains($"Created {path}", created.StandardError);
    }

    [Fact]
    public async Task A_stopped_server_starts_again_on_the_same_port_with_its_data()
    {
        var ct = Within(TimeSpan.FromSeconds(120));
        await using var server = await ZooKeeperServer.StartAsync(null, ct);
        var port = server.Port;
        Assert.Equal(0, (await ZkCli.RunAsync(server.ConnectionString, ["create /kept survives"], ct)).ExitCode);

        await server.StopAsync(ct);
        Assert.False(server.IsRunning);
        await server.StartAsync(ct);

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(["survives"], (await ZkCli.RunAsync(server.ConnectionString, ["get /kept"], ct)).OutputLines);
    }

    [Fact]
    public async Task A_server_that_fails_to_start_reports_its_log()
    {
        var options = new ZooKeeperServerOptions
        {
            StartTimeout = TimeSpan.FromSeconds(30),
            ExtraSettings = new Dictionary<string, string> { ["tickTime"] = "not-a-number" },
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ZooKeeperServer.StartAsync(options, Within(TimeSpan.FromSeconds(60))));

        Assert.Contains("exited with code", error.Message);
        Assert.Contains("Invalid config", error.Message);
    }

    [Fact]
    public async Task An_ensemble_of_three_elects_one_leader_and_survives_losing_it()
    {
        var ct = Within(TimeSpan.FromSeconds(180));
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(ct);
        Assert.Equal(3, ensemble.ConnectionString.Split(',').Length);
        var leader = await ensemble.LeaderIndexAsync(ct) ?? throw new Xunit.Sdk.XunitException("No leader after start.");

        await ensemble.StopAsync(leader, ct);
        await ensemble.WaitForQuorumAsync(ct);
        var newLeader = await ensemble.LeaderIndexAsync(ct);
        await ensemble.StartAsync(leader, ct);

        Assert.NotNull(newLeader);
        Assert.NotEqual(leader, newLeader);
        Assert.Contains("Mode: follower", await ensemble.Servers[leader].FourLetterWordAsync("srvr", ct));
    }

    [Fact]
    public async Task An_ensemble_finds_the_member_serving_a_session()
    {
        var ct = Within(TimeSpan.FromSeconds(180));
        await using var ensemble = await ZooKeeperEnsemble.StartAsync(ct);
        var before = await ensemble.Servers[1].FourLetterWordAsync("cons", ct);

        // An interactive zkCli holds its session for as long as its standard input stays open.
        using var cli = Process.Start(new ProcessStartInfo("java")
        {
            ArgumentList = { "-Xmx64m", "-cp", $"{ZooKeeperServer.JarPath}:/usr/share/java/slf4j-nop.jar", "org.apache.zookeeper.ZooKeeperMain", "-server", ensemble.Servers[1].ConnectionString },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var sessionId = await EventuallyAsync(
                async () => NewSessionIds(await ensemble.Servers[1].FourLetterWordAsync("cons", ct), before).SingleOrDefault(),
                TimeSpan.FromSeconds(60),
                "zkCli's session listed by cons on server 1",
                ct);

            Assert.Equal(1, await ensemble.IndexServingSessionAsync(sessionId, ct));
            Assert.Null(await ensemble.IndexServingSessionAsync(sessionId + 1, ct));
        }
        finally
        {
            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static IEnumerable<long> NewSessionIds(string cons, string before) =>
        Regex.Matches(cons, @"sid=0x([0-9a-f]+)")
            .Select(m => long.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Where(id => id != 0 && !before.Contains($"sid=0x{id:x}", StringComparison.Ordinal))
            .Distinct();

    private static async Task<long> EventuallyAsync(Func<Task<long>> probe, TimeSpan within, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (value != 0)
                return value;
            if (clock.Elapsed > within)
                throw new TimeoutException($"Not true after {within}: {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }
}
