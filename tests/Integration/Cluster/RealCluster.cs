using System.Globalization;
using System.Text;
using JobLog.Cluster;
using JobLog.Commands;
using JobLog.Integration.Fixtures;
using JobLog.Integration.ZooKeeper;
using JobLog.Model;
using JobLog.Node;
using JobLog.Store;
using JobLog.Testing.ClusterSim;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Recipes;
using JobLog.ZooKeeper.Watches;
using Marten;

namespace JobLog.Integration.Cluster;

/// <summary>
/// A cluster of 2 to 5 nodes in this process, wired as the simulated cluster wires them but over real PostgreSQL (a store
/// emptied before each run) and a real ZooKeeper (a fresh root per run),
/// each node with the production session pump, driven by the operations of a generated run. Where the real world has
/// no cue, an operation does its nearest real thing: notifications arrive by themselves (a delivery does nothing), a
/// lost connection or reply drops the node's TCP connection (the client reconnects at once), an overflow is left to the
/// small watch buffer. The runs end by waiting, on conditions with a deadline, for the cluster to be at rest.
/// </summary>
internal sealed class RealCluster : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(30);

    private readonly HoldingMartenStore _store;
    private readonly ZooKeeperServer _server;
    private readonly ZooKeeperClient _observer;
    private readonly ClusterPaths _paths;
    private readonly RealNode?[] _nodes;
    private readonly List<ZooKeeperClient>[] _leftBehind;
    private readonly List<RealNode> _processes = [];
    private readonly List<Task> _deathWork = [];
    private readonly LeadershipLog _leadership = new(strict: false);
    private readonly ClusterVerdict _verdict = new();
    private readonly Lock _deaths = new();
    private readonly AnsweredWrites _writes;
    private int _variant;

    private RealCluster(HoldingMartenStore store, ZooKeeperServer server, ZooKeeperClient observer, string root, int nodes)
    {
        _store = store;
        _server = server;
        _observer = observer;
        _paths = new ClusterPaths(root);
        _nodes = new RealNode?[nodes];
        _leftBehind = [.. Enumerable.Range(0, nodes).Select(_ => new List<ZooKeeperClient>())];
        _writes = new AnsweredWrites(Trace, _verdict);
    }

    public TraceLog Trace { get; } = new();

    /// <summary>How the writes were answered, how many processes ran.</summary>
    public string Summary =>
        $"{_writes.Acknowledged.Count} writes acknowledged, {_writes.RefusalSummary}"
        + $"{(_writes.RefusalSummary.Length == 0 ? "" : ", ")}{_writes.UnansweredByDeath} unanswered (writer died), {_processes.Count} processes";

    public static async Task<RealCluster> StartAsync(
        MartenJobEventStore marten, IDocumentStore documents, string postgres, ZooKeeperServer server, int nodes)
    {
        var observer = await ZooKeeperClient.ConnectAsync(ZooKeeperTest.Options(server.ConnectionString), ZooKeeperTest.Timeout());
        var cluster = new RealCluster(
            new HoldingMartenStore(marten, documents, postgres), server, observer, ZooKeeperFixture.UniquePath("cluster"), nodes);
        for (var i = 0; i < nodes; i++)
            await cluster.StartNodeAsync(i);
        return cluster;
    }

    /// <summary>Applies the operations, waits for the cluster to be at rest and checks the properties.</summary>
    public async Task<ClusterVerdict> RunAsync(IReadOnlyList<ClusterOp> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            Trace.Step = $"op {i + 1}";
            Trace.Add($"-- {ops[i]}");
            await ApplyAsync(ops[i]);
            AfterStep();
        }
        Trace.Step = "quiesce";
        if (await QuiesceAsync())
        {
            Trace.Step = "checks";
            var live = Live().Select(n => (n.Id, n.Parts.Holder.Current)).ToList();
            await ClusterChecks.CheckAsync(
                _verdict, _store, live, _writes.Acknowledged, _processes.Select(p => p.Parts.Applied), _leadership,
                ZooKeeperTest.Timeout());
        }
        return _verdict;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.CloseAsync();
        foreach (var process in _processes)
            await process.DisposeAsync();
        await _observer.DisposeAsync();
    }

    private async Task ApplyAsync(ClusterOp op)
    {
        switch (op)
        {
            case WriteOp write when Live(write.Target) is { } node:
                await WriteAsync(node, write);
                break;
            case CommitHeldOp commit when _store.Held is { Count: > 0 } held:
                await CommitHeldAsync(held[commit.Pick % held.Count]);
                break;
            case CrashOp crash when Live(crash.Target) is { } node:
                if (crash.AtCall == 0)
                    node.Life.Kill(crash.Fate);
                else
                    node.Life.DieAtCall(crash.AtCall, crash.Fate);
                break;
            case RestartOp restart:
                Live(restart.Target)?.Life.Kill(HeldFate.Linger);
                await StartNodeAsync(restart.Target);
                break;
            case DisconnectOp or LoseReplyOp when Live(op.Node) is { } node:
                node.Proxy.Drop();
                break;
            case ExpireOp expire:
                if (Live(expire.Target)?.Client is { } client)
                    await KillSessionAsync(client);
                await ExpireLeftBehindAsync(expire.Target);
                break;
            case TickOp tick when Live(tick.Target) is { } node:
                await TickAsync(node);
                break;
        }
    }

    private async Task StartNodeAsync(int index)
    {
        var id = ClusterOp.NodeName(index);
        var parts = new WiredNode(id, _store, _paths, TimeProvider.System, Trace.For(id), options =>
        {
            options.TickInterval = TimeSpan.FromMilliseconds(100);
            options.RetryDelay = TimeSpan.FromMilliseconds(100);
            options.SessionTimeout = TimeSpan.FromSeconds(10);
            options.RequestTimeout = TimeSpan.FromSeconds(20);
        });
        var proxy = new FreezableProxy(_server.Port);
        parts.ClusterOptions.Value.ConnectionString = proxy.ConnectionString;
        var node = new RealNode(index, _processes.Count + 1, parts, proxy, Trace.For(id), OnDeath);
        _nodes[index] = node;
        _processes.Add(node);
        Trace.Add($"{node} starts");
        await node.StartAsync(ZooKeeperTest.Timeout());
    }

    private void OnDeath(RealNode node, HeldFate fate)
    {
        lock (_deaths)
        {
            if (_nodes[node.Index] == node)
                _nodes[node.Index] = null;
            if (node.Client is { } client)
                _leftBehind[node.Index].Add(client);
        }
        node.Die();
        foreach (var held in _store.Held.Where(h => h.Writer == node))
        {
            // The database outlives the process: its transaction commits, rolls back, or stays open for now.
            lock (_deaths)
            {
                if (fate == HeldFate.Commit)
                    _deathWork.Add(_store.CommitAsync(held, answer: false));
                else if (fate == HeldFate.RollBack)
                    _deathWork.Add(_store.RollBackAsync(held));
            }
        }
        Trace.Add($"{node} crashed; held appends: {fate}");
    }

    private async Task WriteAsync(RealNode node, WriteOp write)
    {
        var job = ClusterJobs.Id(write.Job);
        var latest = (await _store.ReadStreamAsync(job, CancellationToken.None)).Count;
        var expected = write.Expect switch
        {
            VersionChoice.Latest => latest,
            VersionChoice.NodeView => node.Parts.Holder.Current.VersionOf(job),
            _ => Math.Max(0, latest - 1),
        };
        var hold = write.Held ? new HoldRequest(node) : null;
        Task<CommandResult> answer;
        using (hold is null ? null : _store.HoldFor(hold))
            answer = ClusterJobs.SendAsync(node.Parts.Commands, write.Change, job, expected, _variant++, CancellationToken.None);
        hold?.Answer = answer;
        _writes.Add(node.Id, node.ToString(), node.Life, $"{Trace.Step}: {write} (expected version {expected})", answer);
        // The write answers, or its append is held, or its writer died in it; an append to a job whose row a held
        // transaction locks waits for that one, and the write stays in flight.
        await Eventually(
            () => answer.IsCompleted || hold?.Taken.Task.IsCompleted == true || node.Life.Dead || _store.HasOpenAppend(job),
            AnswerPatience, $"{node} to answer '{write}'");
    }

    private async Task CommitHeldAsync(HeldMartenAppend held)
    {
        var writerLives = !held.Writer.Life.Dead;
        Trace.Add($"held append #{held.Sequence} of {held.Job} by {held.Writer} commits{(writerLives ? "" : " (its writer is dead)")}");
        await _store.CommitAsync(held, answer: writerLives);
        if (writerLives && held.Request.Answer is { } answer)
        {
            // A writer that dies while it mirrors never answers.
            await Eventually(() => answer.IsCompleted || held.Writer.Life.Dead, AnswerPatience, $"{held.Writer} to answer a held write");
        }
    }

    private async Task TickAsync(RealNode node)
    {
        try
        {
            // A node that dies at one of the tick's calls never gets that call's answer (kill -9): the tick stops there.
            var tick = node.Parts.Agent.TickAsync(ZooKeeperTest.Timeout());
            await Eventually(() => tick.IsCompleted || node.Life.Dead, AnswerPatience, $"{node} to finish a tick");
            if (tick.IsCompleted)
                await tick;
        }
        catch (ZooKeeperException e)
        {
            Trace.Add($"{node}: tick failed: {e.GetType().Name}");
        }
    }

    private async Task KillSessionAsync(ZooKeeperClient client)
    {
        if (client.SessionId == 0)
            return;
        Trace.Add($"session {client.SessionId:x} is killed");
        await SessionKiller.KillAsync("127.0.0.1", _server.Port, client.SessionId, client.SessionPassword, ZooKeeperTest.Timeout());
    }

    private async Task ExpireLeftBehindAsync(int index)
    {
        List<ZooKeeperClient> sessions;
        lock (_deaths)
        {
            sessions = [.. _leftBehind[index]];
            _leftBehind[index].Clear();
        }
        foreach (var client in sessions)
            await KillSessionAsync(client);
    }

    /// <summary>
    /// Appends in flight finish and their writers answer, sessions of dead processes are killed (their timeout, shortened),
    /// then the test waits until every live node is connected, one node leads (ZooKeeper's lowest candidate), every job's
    /// znode holds its latest version and every live node holds the store's fold. The nodes tick by themselves meanwhile.
    /// </summary>
    private async Task<bool> QuiesceAsync()
    {
        try
        {
            Task[] deathWork;
            lock (_deaths)
                deathWork = [.. _deathWork];
            await Task.WhenAll(deathWork);
            await Eventually(async () =>
            {
                foreach (var held in _store.Held)
                    await CommitHeldAsync(held);
                _writes.Collect();
                return _store.Held.Count == 0 && _writes.AllSettled;
            }, Patience, () => $"every append in flight to finish and its writer to answer; still open: {_store.Held.Count}, unanswered: {_writes.PendingCount}");
            for (var i = 0; i < _nodes.Length; i++)
                await ExpireLeftBehindAsync(i);
            string why = "";
            await Eventually(async () =>
            {
                why = await WhyNotAtRestAsync();
                _leadership.Observe(Leaders(), Trace.Step);
                return why.Length == 0;
            }, Patience, () => $"the cluster to be at rest: {why}");
            AfterStep();
            return true;
        }
        catch (TimeoutException e)
        {
            _verdict.Add(ClusterVerdict.Quiesced, e.Message);
            return false;
        }
    }

    private async Task<string> WhyNotAtRestAsync()
    {
        var live = Live().ToList();
        if (live.FirstOrDefault(n => n.Parts.Status.ZooKeeper != ZooKeeperLink.Connected) is { } away)
            return $"{away} is {away.Parts.Status.ZooKeeper}";
        if (live.Count == 0)
            return "";
        // An onlooker that never stands: it reads the lowest candidate, passing over one that goes while it reads.
        var lowest = (await new LeaderElection(_observer, _paths.Leader, "observer").ReadLeaderAsync(ZooKeeperTest.Timeout()))?.CandidateId;
        var leaders = Leaders();
        if (leaders.Count != 1 || leaders.First().Node != lowest)
            return $"ZooKeeper's leader is {lowest ?? "nobody"}, the nodes believing they lead are [{string.Join(", ", leaders.Select(l => l.Node))}]";
        var versions = await _store.StreamVersionsAsync(ZooKeeperTest.Timeout());
        foreach (var (job, version) in versions)
        {
            var stat = await _observer.ExistsAsync(_paths.Job(job), false, ZooKeeperTest.Timeout());
            if (stat?.Version != version - 1)
                return $"job {job} is at version {version}, its znode at data version {stat?.Version.ToString(CultureInfo.InvariantCulture) ?? "none"}";
        }
        var expected = ScheduleDigest.Of(Schedule.Fold(await _store.ReadStreamsAsync([.. versions.Keys], ZooKeeperTest.Timeout())));
        var behind = live.Where(n => ScheduleDigest.Of(n.Parts.Holder.Current) != expected).ToList();
        return behind.Count == 0 ? "" : $"{string.Join(", ", behind)} do not hold the store's fold yet";
    }

    private void AfterStep()
    {
        _writes.Collect();
        _leadership.Observe(Leaders(), Trace.Step);
    }

    private List<(string Node, long Epoch)> Leaders() =>
        Live().Where(n => n.Parts.Leadership.IsLeader).Select(n => (n.Id, n.Parts.Leadership.Epoch)).ToList();

    private RealNode? Live(int index)
    {
        lock (_deaths)
            return _nodes[index];
    }

    private IEnumerable<RealNode> Live()
    {
        lock (_deaths)
            return _nodes.OfType<RealNode>().ToList();
    }
}
