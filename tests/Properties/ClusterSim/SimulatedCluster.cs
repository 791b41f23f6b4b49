using JobLog.Cluster;
using JobLog.Commands;
using JobLog.Node;
using JobLog.Store;
using JobLog.Testing.ClusterSim;
using JobLog.Testing.ZooKeeperModel;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;
using Microsoft.Extensions.Time.Testing;

namespace JobLog.Properties.ClusterSim;

/// <summary>
/// A cluster of 2 to 5 nodes built from the real components (<see cref="WiredNode"/>) over one in-memory store and one
/// in-memory ZooKeeper, driven step by step by a generated run. The simulation plays the part of each node's session
/// pump (ZooKeeperSession in production): it reads the watch events it delivers from the session's stream and hands them
/// to the agent, reacts to connection changes as the pump does, and ticks the nodes. Every step finishes before the next
/// begins: the model answers every call at once, no component may start work of its own, and the clock is a fake that
/// only the simulation moves, so the same run always does the same thing. A step that does not finish at once (other
/// than a write whose append is held, or a step of a node that died in it) is a defect of the component and fails the run.
/// </summary>
internal sealed class SimulatedCluster
{
    private const int MaxQuiesceRounds = 25;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StepTime = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryZooKeeper _zookeeper;
    private readonly HoldingStore _store;
    private readonly ClusterPaths _paths = new("/joblog");
    private readonly SimulatedNode?[] _nodes;
    private readonly List<InMemoryZooKeeperClient>[] _leftBehind;
    private readonly List<SimulatedNode> _processes = [];
    private readonly LeadershipLog _leadership = new(strict: true);
    private readonly ClusterVerdict _verdict = new();
    private readonly TraceLog _trace = new();
    private readonly AnsweredWrites _writes;
    private int _variant;

    private SimulatedCluster(int nodes)
    {
        _zookeeper = new InMemoryZooKeeper(_clock);
        _store = new HoldingStore(new InMemoryJobEventStore(_clock));
        _nodes = new SimulatedNode?[nodes];
        _leftBehind = [.. Enumerable.Range(0, nodes).Select(_ => new List<InMemoryZooKeeperClient>())];
        _writes = new AnsweredWrites(_trace, _verdict);
    }

    /// <summary>What the store holds, what every process acknowledged and how the run ended; for tests that compare runs.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>
    /// Runs <paramref name="run"/> on a fresh cluster, quiesces it and checks every property. Runs on the calling thread
    /// from start to end (no synchronization context is captured, so a held append's writer goes on inside the step
    /// that commits it); throws when a step did not finish at once.
    /// </summary>
    public static (ClusterVerdict Verdict, string Trace, string Fingerprint) Run(ClusterRun run)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            var cluster = new SimulatedCluster(run.Nodes);
            var running = cluster.RunAsync(run.Ops);
            if (!running.IsCompleted)
                throw new InvalidOperationException("The simulated run did not finish at once: some component waits on something the simulation does not drive.");
            running.GetAwaiter().GetResult();
            return (cluster._verdict, cluster._trace.Tail(120), cluster.Fingerprint);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private async Task RunAsync(IReadOnlyList<ClusterOp> ops)
    {
        for (var i = 0; i < _nodes.Length; i++)
            await StartAsync(i);
        await AfterStepAsync();
        for (var i = 0; i < ops.Count; i++)
        {
            _trace.Step = $"op {i + 1}";
            _trace.Add($"-- {ops[i]}");
            await ApplyAsync(ops[i]);
            await AfterStepAsync();
            _clock.Advance(StepTime);
        }
        if (await QuiesceAsync())
        {
            _trace.Step = "checks";
            await CheckQuiescedAsync();
            var live = Live().Select(n => (n.Id, n.Parts.Holder.Current)).ToList();
            await ClusterChecks.CheckAsync(
                _verdict, _store, live, _writes.Acknowledged, _processes.Select(p => p.Parts.Applied), _leadership, CancellationToken.None);
        }
        Fingerprint = await FingerprintAsync();
    }

    private async Task ApplyAsync(ClusterOp op)
    {
        switch (op)
        {
            case WriteOp write:
                await WriteAsync(write);
                break;
            case CommitHeldOp commit when _store.Held.Count > 0:
                await CommitHeldAsync(_store.Held[commit.Pick % _store.Held.Count]);
                break;
            case CrashOp crash when Live(crash.Target) is { } node:
                if (crash.AtCall == 0)
                    node.Life.Kill(crash.Fate);
                else
                    node.Life.DieAtCall(crash.AtCall, crash.Fate);
                break;
            case RestartOp restart:
                Live(restart.Target)?.Life.Kill(HeldFate.Linger);
                await StartAsync(restart.Target);
                break;
            case DisconnectOp disconnect when Live(disconnect.Target) is { Model: { } connected }:
                _zookeeper.Disconnect(connected);
                break;
            case ReconnectOp reconnect when Live(reconnect.Target) is { Model: { } disconnected }:
                _zookeeper.Reconnect(disconnected);
                break;
            case ExpireOp expire:
                if (Live(expire.Target) is { Model: { } expiring })
                    _zookeeper.Expire(expiring);
                ExpireLeftBehind(expire.Target);
                break;
            case DeliverOp deliver when Live(deliver.Target) is { } node:
                for (var i = 0; i < deliver.Count && await DeliverNextAsync(node); i++)
                {
                }
                break;
            case TickOp tick when Live(tick.Target) is { } node:
                await TickAsync(node);
                break;
            case LoseReplyOp lose when Live(lose.Target) is { Model: { } losing }:
                _zookeeper.DropConnectionBeforeNextReply(losing);
                break;
            case OverflowOp overflow when Live(overflow.Target) is { Model: { } behind }:
                behind.DropPending();
                break;
        }
    }

    /// <summary>
    /// Drives the cluster to rest with only what the design itself triggers: appends in flight finish, sessions left by
    /// dead processes time out, every live node gets its connection back (or a new session), every node ticks (the
    /// leader relays the store's feed), and every notification is delivered; again until a round changes nothing. It
    /// never calls the store catch-up's reconcile or its safety net, so the properties hold through the ZooKeeper path.
    /// </summary>
    private async Task<bool> QuiesceAsync()
    {
        for (var round = 1; round <= MaxQuiesceRounds; round++)
        {
            _trace.Step = $"quiesce {round}";
            var zxid = _zookeeper.Zxid;
            var changed = false;
            while (_store.Held.Count > 0)
            {
                changed = true;
                await CommitHeldAsync(_store.Held[0]);
                await AfterStepAsync();
            }
            for (var i = 0; i < _nodes.Length; i++)
                changed |= ExpireLeftBehind(i);
            await AfterStepAsync();
            foreach (var node in Live())
            {
                if (node.Model is { } model && _zookeeper.Reconnect(model))
                {
                    changed = true;
                    await AfterStepAsync();
                }
            }
            foreach (var node in Live())
            {
                await TickAsync(node);
                await AfterStepAsync();
            }
            bool delivered;
            do
            {
                delivered = false;
                foreach (var node in Live())
                {
                    while (await DeliverNextAsync(node))
                    {
                        delivered = changed = true;
                        await AfterStepAsync();
                    }
                }
            }
            while (delivered);
            _clock.Advance(StepTime);
            if (!changed && zxid == _zookeeper.Zxid && _store.Held.Count == 0 && _leftBehind.All(sessions => sessions.Count == 0)
                && Live().All(n => n.Model is { State: SessionState.Connected } && !n.NeedsSession))
                return true;
        }
        _verdict.Add(ClusterVerdict.Quiesced, $"still changing after {MaxQuiesceRounds} rounds of quiescing");
        return false;
    }

    private async Task StartAsync(int index)
    {
        var id = ClusterOp.NodeName(index);
        var parts = new WiredNode(id, _store, _paths, _clock, _trace.For(id));
        var node = new SimulatedNode(index, _processes.Count + 1, parts, OnDeath);
        _nodes[index] = node;
        _processes.Add(node);
        _trace.Add($"{node} starts");
        if (await StepAsync(node, "load", () => parts.CatchUp.LoadAsync(CancellationToken.None)))
            await AttachAsync(node);
    }

    /// <summary>As ZooKeeperSession: a new session, subscribed before anything is watched, handed to the agent; closed again if the attach fails.</summary>
    private async Task AttachAsync(SimulatedNode node)
    {
        var model = _zookeeper.Connect();
        var session = new DyingSession(model, node.Life.DiesBeforeCall, () => node.Life.Dead);
        node.SessionEnd = new CancellationTokenSource();
        node.Events = session.WatchEvents(node.SessionEnd.Token).GetAsyncEnumerator(node.SessionEnd.Token);
        node.Session = session;
        node.Model = model;
        node.Seen = SessionState.Connected;
        node.NeedsSession = false;
        _trace.Add($"{node} attaches session {session.SessionId:x}");
        if (await StepAsync(node, "attach", () => node.Parts.Agent.AttachAsync(session, CancellationToken.None)) || node.Crashed)
            return;
        await EndSessionAsync(node);
        node.NeedsSession = true;
    }

    private async Task EndSessionAsync(SimulatedNode node)
    {
        if (node.Session is not { } session || node.Model is not { } model)
            return;
        node.Session = null;
        node.Model = null;
        node.Events = null;
        node.SessionEnd!.Cancel();
        node.Parts.Agent.OnSessionEnded(ZooKeeperLink.Expired);
        // Closing a session whose connection is down tells the server nothing: it lives until it times out.
        await session.DisposeAsync();
        if (_zookeeper.LiveSessions.Contains(session.SessionId))
            _leftBehind[node.Index].Add(model);
        _trace.Add($"{node} ended session {session.SessionId:x}");
    }

    private void OnDeath(SimulatedNode node, HeldFate fate)
    {
        _nodes[node.Index] = null;
        if (node.Model is { } model)
        {
            node.Session = null;
            node.Model = null;
            node.Events = null;
            node.SessionEnd!.Cancel();
            _zookeeper.Crash(model);
            _leftBehind[node.Index].Add(model);
        }
        foreach (var held in _store.Held.Where(h => h.Writer == node).ToList())
        {
            if (fate == HeldFate.Commit)
                Finished(_store.CommitAsync(held, answer: false));
            else if (fate == HeldFate.RollBack)
                _store.RollBack(held);
        }
        _trace.Add($"{node} crashed; held appends: {fate}");
    }

    private bool ExpireLeftBehind(int index)
    {
        var any = false;
        foreach (var session in _leftBehind[index])
            any |= _zookeeper.Expire(session);
        _leftBehind[index].Clear();
        return any;
    }

    private async Task WriteAsync(WriteOp write)
    {
        if (Live(write.Target) is not { } node)
            return;
        var job = ClusterJobs.Id(write.Job);
        var latest = (await _store.ReadStreamAsync(job, CancellationToken.None)).Count;
        var expected = write.Expect switch
        {
            VersionChoice.Latest => latest,
            VersionChoice.NodeView => node.Parts.Holder.Current.VersionOf(job),
            _ => Math.Max(0, latest - 1),
        };
        var heldBefore = _store.Held.Count;
        if (write.Held)
            _store.HoldNextFor(node);
        Task<CommandResult> answer;
        try
        {
            answer = ClusterJobs.SendAsync(node.Parts.Commands, write.Change, job, expected, _variant++, CancellationToken.None);
        }
        finally
        {
            _store.StopHolding();
        }
        if (!answer.IsCompleted && _store.Held.Count == heldBefore && !node.Crashed)
            throw new InvalidOperationException($"The write '{write}' did not finish at once and its append is not held.");
        _writes.Add(node.Id, node.ToString(), node.Life, $"{_trace.Step}: {write} (expected version {expected})", answer);
    }

    private async Task CommitHeldAsync(HeldAppend held)
    {
        _trace.Add($"held append #{held.Sequence} of {held.Job} by {held.Writer} commits{(held.Writer.Crashed ? " (its writer is dead)" : "")}");
        await _store.CommitAsync(held, answer: !held.Writer.Crashed);
    }

    /// <summary>Hands the node's next notification to its session's subscriber and on to the agent, as the session pump does.</summary>
    private async Task<bool> DeliverNextAsync(SimulatedNode node)
    {
        if (node.Model is not { } model || node.Events is not { } events || model.DeliverNext() is null)
            return false;
        var moved = events.MoveNextAsync();
        if (!moved.IsCompleted)
            throw new InvalidOperationException("A delivered notification did not reach the session's subscriber at once.");
        if (!await moved)
            return false;
        var watchEvent = events.Current;
        _trace.Add($"{node} gets {watchEvent.Type} {watchEvent.Path}");
        if (!await StepAsync(node, $"handling {watchEvent.Type} {watchEvent.Path}", () => node.Parts.Agent.HandleAsync(watchEvent, CancellationToken.None))
            && !node.Crashed)
        {
            // The pump's answer to a notification it could not apply: catch up from the store.
            await StepAsync(node, "resync", () => node.Parts.Agent.ResyncAsync(CancellationToken.None));
        }
        return true;
    }

    /// <summary>Time passes for a node: a node without a session tries again; otherwise the agent ticks, and a disconnected node tails the store.</summary>
    private async Task TickAsync(SimulatedNode node)
    {
        if (node.NeedsSession)
        {
            await AttachAsync(node);
            return;
        }
        await StepAsync(node, "tick", () => node.Parts.Agent.TickAsync(CancellationToken.None));
        if (!node.Crashed && node.Seen != SessionState.Connected)
            await StepAsync(node, "tail", () => node.Parts.CatchUp.TailAsync(CancellationToken.None));
    }

    /// <summary>After every step: each node acts on its connection's changes as the session pump does, answered writes are collected, leaders are looked at.</summary>
    private async Task AfterStepAsync()
    {
        foreach (var node in Live())
            await ReactAsync(node);
        _writes.Collect();
        var leaders = Live().Where(n => n.Parts.Leadership.IsLeader).Select(n => (n.Id, n.Parts.Leadership.Epoch)).ToList();
        _leadership.Observe(leaders, _trace.Step);
    }

    /// <summary>What the session pump does with the session's state changes.</summary>
    private async Task ReactAsync(SimulatedNode node)
    {
        while (!node.Crashed && node.Model is { } model && model.State is var state && state != node.Seen)
        {
            switch (state)
            {
                case SessionState.Disconnected:
                    node.Seen = state;
                    _trace.Add($"{node} hears its connection dropped");
                    node.Parts.Agent.OnDisconnected();
                    break;
                case SessionState.Connected:
                    node.Seen = state;
                    _trace.Add($"{node} hears it reconnected");
                    await StepAsync(node, "reconnect", () => node.Parts.Agent.OnReconnectedAsync(CancellationToken.None));
                    break;
                default:
                    _trace.Add($"{node} hears its session ended ({state})");
                    if (node.Seen == SessionState.Connected)
                        node.Parts.Agent.OnDisconnected();
                    await EndSessionAsync(node);
                    // The pump starts the next session at once.
                    await AttachAsync(node);
                    break;
            }
        }
    }

    /// <summary>
    /// Runs one step of a node and tells whether it completed. A step must finish at once; one that does not is allowed
    /// only when the node died in it. Losing the connection or the session is what a step may fail with (the pump logs
    /// it and goes on); anything else is a defect and fails the run.
    /// </summary>
    private async Task<bool> StepAsync(SimulatedNode node, string what, Func<Task> step)
    {
        Task task;
        try
        {
            task = step();
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }
        if (!task.IsCompleted)
        {
            if (node.Crashed)
                return false;
            throw new InvalidOperationException($"{_trace.Step}: {what} on {node} did not finish at once.");
        }
        try
        {
            await task;
            return true;
        }
        catch (Exception e) when (e is ConnectionLossException or SessionExpiredException or ObjectDisposedException)
        {
            _trace.Add($"{node}: {what} failed: {e.GetType().Name}");
            return false;
        }
        catch (Exception e)
        {
            _trace.Add($"{node}: {what} failed: {e.GetType().Name}: {e.Message} {e.StackTrace?.Split(Environment.NewLine).FirstOrDefault(l => l.Contains("JobLog.Cluster", StringComparison.Ordinal) || l.Contains("JobLog.Node", StringComparison.Ordinal))?.Trim()}");
            _verdict.Add(ClusterVerdict.Steps, $"{_trace.Step}: {what} on {node} failed with {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>What must hold once the cluster is at rest, besides the four properties: one leader, ZooKeeper's; every job mirrored; every member published.</summary>
    private async Task CheckQuiescedAsync()
    {
        var live = Live().ToList();
        var candidates = _zookeeper.ChildrenOf(_paths.Leader) ?? [];
        var lowest = candidates.OrderBy(c => long.Parse(c[2..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var expectedLeader = lowest is null ? null : System.Text.Encoding.UTF8.GetString(_zookeeper.Read($"{_paths.Leader}/{lowest}")!.Data);
        var leaders = live.Where(n => n.Parts.Leadership.IsLeader).Select(n => n.Id).ToList();
        if (live.Count > 0 && (leaders.Count != 1 || leaders[0] != expectedLeader))
            _verdict.Add(ClusterVerdict.Quiesced, $"at rest, ZooKeeper's leader is {expectedLeader ?? "nobody"} but the nodes believing they lead are [{string.Join(", ", leaders)}]");

        // Without a live node nobody relays: the mirror catches up when one starts.
        var versions = live.Count == 0 ? new Dictionary<JobLog.Model.JobId, long>() : await _store.StreamVersionsAsync(CancellationToken.None);
        foreach (var (job, version) in versions)
        {
            var znode = _zookeeper.Read(_paths.Job(job));
            if (znode is null || znode.Stat.Version != version - 1 || JobZnode.TryDecode(job, znode.Data)?.Version != version)
                _verdict.Add(ClusterVerdict.Mirrored, $"job {job} is at version {version} in the store; its znode {(znode is null ? "does not exist" : $"has data version {znode.Stat.Version}")}");
        }

        foreach (var node in live)
        {
            var member = _zookeeper.Read($"{_paths.Nodes}/{node.Id}");
            var record = member is null ? null : MemberRecord.TryDecode(member.Data);
            if (member is null || member.Stat.EphemeralOwner != node.Session?.SessionId || record?.AppliedSequence != node.Parts.Status.AppliedSequence)
                _verdict.Add(ClusterVerdict.Quiesced, $"at rest, {node}'s member znode {(member is null ? "is missing" : $"belongs to session {member.Stat.EphemeralOwner:x} and shows applied sequence {record?.AppliedSequence}")}; the node applied up to {node.Parts.Status.AppliedSequence}");
        }
    }

    private async Task<string> FingerprintAsync()
    {
        var everything = await _store.ReadAllAsync(0, int.MaxValue, CancellationToken.None);
        var schedules = string.Join(",", Live().Select(n => $"{n.Id}:{ScheduleDigest.Of(n.Parts.Holder.Current)}"));
        var acknowledged = string.Join(",", _writes.Acknowledged.Select(a => $"{a.Recorded.Job}/{a.Recorded.Version}/{a.Recorded.Sequence}"));
        return $"events {everything.Events.Count} to #{everything.Next}; zxid {_zookeeper.Zxid}; {schedules}; acknowledged {acknowledged}; {_verdict}";
    }

    private SimulatedNode? Live(int index) => _nodes[index];

    private IEnumerable<SimulatedNode> Live() => _nodes.OfType<SimulatedNode>().ToList();

    private static void Finished(Task task)
    {
        if (!task.IsCompleted)
            throw new InvalidOperationException("A commit of a held append did not finish at once.");
    }
}
