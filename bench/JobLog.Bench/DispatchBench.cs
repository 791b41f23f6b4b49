using System.Globalization;
using JobLog.Integration.Fixtures;

namespace JobLog.Bench;

/// <summary>
/// Dispatch accuracy, failover and throughput, JobLog beside clustered Quartz.NET doing the same work in the same run
/// on the same PostgreSQL. JobLog: three node processes with ZooKeeper, jobs created through <c>POST /jobs</c>, each
/// pointed at the bench's loopback receiver. Quartz: three bench/QuartzPeer processes sharing one AdoJobStore.
/// Workloads: (a) many jobs every minute, staggered over the minute's seconds; (b) many jobs every second;
/// (c) kill -9 of the dispatcher during (b); (d) throughput, read off (b)'s bursts. Lateness is the arrival at the
/// receiver minus the occurrence's scheduled instant, both on this machine's clock. The two schedulers run one after
/// the other, never at once, so neither measures the other's load.
/// </summary>
public sealed class DispatchBench : IBenchSuite
{
    private const string PeerName = "Quartz.NET 4.7.3, 3 clustered";
    private const string QuartzSchema = "quartz_bench";
    private const int Members = 3;
    private static readonly TimeSpan FirstDeliveryDeadline = TimeSpan.FromSeconds(30);
    // How long after a window's end its last occurrences may still arrive; the wait ends as soon as all have.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ResumeDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ApplyDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public string Name => "dispatch";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var madeWorkDirectory = !Directory.Exists(options.WorkDirectory);
        Directory.CreateDirectory(options.WorkDirectory);
        try
        {
            return await MeasureAllAsync(Plan.For(options), options, ct);
        }
        finally
        {
            if (madeWorkDirectory && !Directory.EnumerateFileSystemEntries(options.WorkDirectory).Any())
                Directory.Delete(options.WorkDirectory);
        }
    }

    private async Task<IReadOnlyList<BenchRow>> MeasureAllAsync(Plan plan, BenchOptions options, CancellationToken ct)
    {
        // Durable like a deployment: both schedulers write every fire to PostgreSQL.
        await using var postgres = await LocalPostgres.StartAsync(durable: true, ct);
        // ZooKeeper expires a session at the first tick after its timeout: a tick of 100 ms, as `./joblog up` runs it,
        // keeps that under the failover target's second.
        await using var zooKeeper = await ZooKeeperServer.StartAsync(
            new ZooKeeperServerOptions { ParentDirectory = options.WorkDirectory, TickTime = TimeSpan.FromMilliseconds(100) }, ct);
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        await QuartzTables.CreateAsync(postgres.ConnectionString, QuartzSchema, ct);
        var sides = new Sides(postgres.ConnectionString, zooKeeper.ConnectionString,
            QuartzTables.ConnectionStringFor(postgres.ConnectionString, QuartzSchema), receiver);

        var minute = DispatchWorkload.EveryMinute(plan.MinuteJobs);
        var second = DispatchWorkload.EverySecond(plan.SecondJobs);
        var runMinute = options.Workload is null or "minute";
        var runSecond = options.Workload is null or "second";
        if (!runMinute && !runSecond)
            throw new ArgumentException($"--workload {options.Workload}: the dispatch suite has the workloads 'minute' and 'second'.");
        var oursMinute = runMinute ? await MeasureJobLogAsync(sides, minute, plan.MinuteWindow, kills: 0, plan, ct) : NotRun("--workload second");
        var theirsMinute = runMinute && options.Peers ? await MeasureQuartzAsync(sides, minute, plan.MinuteWindow, kills: 0, plan, ct) : NotRun(options.Peers ? "--workload second" : "--no-peer");
        var oursSecond = runSecond ? await MeasureJobLogAsync(sides, second, plan.SecondWindow, plan.Kills, plan, ct) : NotRun("--workload minute");
        var theirsSecond = runSecond && options.Peers ? await MeasureQuartzAsync(sides, second, plan.SecondWindow, plan.Kills, plan, ct) : NotRun(options.Peers ? "--workload minute" : "--no-peer");
        return Rows(plan, minute, oursMinute, theirsMinute, second, oursSecond, theirsSecond);
    }

    private static SideResult NotRun(string why) => new([], [], null, null, $"not run ({why})");

    private static async Task<SideResult> MeasureJobLogAsync(
        Sides sides, DispatchWorkload workload, TimeSpan window, int kills, Plan plan, CancellationToken ct)
    {
        Console.Error.WriteLine($"  JobLog, {workload.Label}: starting {Members} nodes");
        await using var cluster = await JobLogDispatchCluster.StartAsync(
            sides.Postgres, $"dispatch_{workload.Kind}", sides.ZooKeeper, $"/dispatch-{workload.Kind}", Members, ct);
        sides.Receiver.Reset();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.CreateJobsAsync(workload, sides.Receiver.Url, ct);
        await cluster.WaitAppliedAsync(workload.Jobs, ApplyDeadline, ct);
        Console.Error.WriteLine($"  JobLog: {workload.Jobs:N0} jobs created through the API and applied on every node in {clock.Elapsed.TotalSeconds:0.0} s");

        var failover = new FailoverHooks(
            async (_, token) =>
            {
                var leader = await cluster.LeaderAsync(ResumeDeadline, token);
                var killedAt = DateTimeOffset.UtcNow;
                await cluster.KillAsync(leader);
                return new Victim(leader, killedAt, workload.Ids.ToHashSet());
            },
            cluster.RestartAsync);
        return await MeasureAsync("JobLog", sides.Receiver, workload, window, kills, failover, plan, ct,
            $"Is the dispatcher on this build, and do the settings in {nameof(JobLogDispatchSettings)} match its names?",
            cluster.DescribeDispatchersAsync);
    }

    private static async Task<SideResult> MeasureQuartzAsync(
        Sides sides, DispatchWorkload workload, TimeSpan window, int kills, Plan plan, CancellationToken ct)
    {
        Console.Error.WriteLine($"  Quartz, {workload.Label}: storing the jobs, starting {Members} peers");
        await QuartzTables.ClearAsync(sides.Postgres, QuartzSchema, ct);
        await QuartzPeerProcess.LoadAsync(sides.Quartz, workload, ct);
        sides.Receiver.Reset();
        var peers = new Dictionary<string, QuartzPeerProcess>();
        try
        {
            var starting = Enumerable.Range(1, Members).Select(k => StartPeerAsync($"peer-{k}")).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
                    peers[started.Result.InstanceId] = started.Result;
            }

            var failover = new FailoverHooks(
                async (soFar, _) =>
                {
                    // Quartz has no leader: the peer that fired last goes, with the jobs it fired last.
                    var recent = soFar.Where(d => d.Instance is not null && d.ReceivedAt > DateTimeOffset.UtcNow.AddSeconds(-5)).ToList();
                    if (recent.Count == 0)
                        throw new TimeoutException("no Quartz peer delivered anything in the last 5 s.");
                    var victim = recent[^1].Instance!;
                    var itsJobs = recent.GroupBy(d => d.Job).Where(g => g.MaxBy(d => d.ReceivedAt)!.Instance == victim).Select(g => g.Key).ToHashSet();
                    var killedAt = DateTimeOffset.UtcNow;
                    await peers[victim].KillAsync();
                    return new Victim(victim, killedAt, itsJobs);
                },
                async (victim, token) =>
                {
                    await peers[victim].DisposeAsync();
                    peers[victim] = await StartPeerAsync(victim);
                });
            return await MeasureAsync("Quartz", sides.Receiver, workload, window, kills, failover, plan, ct);
        }
        finally
        {
            foreach (var peer in peers.Values)
                await peer.DisposeAsync();
        }

        Task<QuartzPeerProcess> StartPeerAsync(string instanceId) =>
            QuartzPeerProcess.StartAsync(sides.Quartz, instanceId, sides.Receiver.Url, QuartzPeerTuning.Bench, ct);
    }

    /// <summary>
    /// The same measurement for either side, once its jobs exist: a first delivery (or a notice that none came), a
    /// warm-up, back-to-back windows, then <paramref name="kills"/> failovers, each followed by a restart of the victim.
    /// </summary>
    private static async Task<SideResult> MeasureAsync(
        string side, WebhookReceiver receiver, DispatchWorkload workload, TimeSpan window, int kills, FailoverHooks failover,
        Plan plan, CancellationToken ct, string? hint = null, Func<CancellationToken, Task<string>>? describe = null)
    {
        if (!await EventuallyAsync(() => receiver.Count > 0, FirstDeliveryDeadline, ct))
        {
            var notice = $"{side}: no dispatches received within {FirstDeliveryDeadline.TotalSeconds:0} s of {workload.Label} being in place; its rows are n/a. {hint}".TrimEnd();
            Console.Error.WriteLine($"  {notice}");
            return new SideResult([], [], null, null, notice);
        }
        await Task.Delay(plan.WarmUp, ct);

        var start = WholeSecond(DateTimeOffset.UtcNow).AddSeconds(2);
        var end = start + plan.Windows * window;
        await Task.Delay(end - DateTimeOffset.UtcNow, ct);
        var expected = workload.Expected(start, end).Count;
        await EventuallyAsync(() => WindowResult.CountDelivered(receiver.Deliveries, workload, start, end) >= expected, Grace, ct, TimeSpan.FromMilliseconds(250));
        var deliveries = receiver.Deliveries;
        var windows = Enumerable.Range(0, plan.Windows)
            .Select(k => WindowResult.Of(deliveries, workload, start + k * window, start + (k + 1) * window))
            .ToList();
        foreach (var (result, k) in windows.Select((w, k) => (w, k)))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {side}, {workload.Label}, window {k + 1}/{windows.Count}: {Describe(result)}"));
        if (describe is not null && windows.Any(w => w.Delivered < w.Expected))
        {
            var last = receiver.Deliveries is { Count: > 0 } all ? $"the last at {all[^1].ReceivedAt:HH:mm:ss.fff} for {all[^1].Occurrence:HH:mm:ss.fff}" : "none";
            Console.Error.WriteLine($"  {side}: a window fell short; {receiver.Count:N0} deliveries so far, {last}; dispatchers: {await describe(ct)}");
        }

        if (kills == 0 || windows.All(w => w.Delivered == 0))
            return new SideResult(windows, [], null, null, null);
        return await MeasureFailoversAsync(side, receiver, workload, windows, kills, failover, ct);
    }

    private static async Task<SideResult> MeasureFailoversAsync(
        string side, WebhookReceiver receiver, DispatchWorkload workload, List<WindowResult> windows, int kills,
        FailoverHooks failover, CancellationToken ct)
    {
        var samples = new List<FailoverSample>();
        var from = WholeSecond(DateTimeOffset.UtcNow).AddSeconds(1);
        // Occurrences before the last moment every job was seen firing again are all settled, delivered or not.
        var settledAt = (DateTimeOffset?)null;
        string? notice = null;
        try
        {
            for (var k = 0; k < kills; k++)
            {
                var index = receiver.Count;
                var victim = await failover.KillAsync(receiver.Deliveries, ct);
                var sample = await WaitResumedAsync(receiver, workload, victim, index, ct);
                samples.Add(sample);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {side}, failover {k + 1}/{kills}: killed {victim.Name} at {victim.KilledAt:HH:mm:ss.fff} UTC; first dispatch of its jobs after {sample.FirstMilliseconds:0} ms, every job again after {sample.AllMilliseconds:0} ms"));
                if (double.IsNaN(sample.AllMilliseconds))
                {
                    notice = $"{side}: not every job fired again within {ResumeDeadline.TotalSeconds:0} s of killing {victim.Name}; failovers stopped there.";
                    break;
                }
                await failover.RestartAsync(victim.Name, ct);
                var restartedAt = DateTimeOffset.UtcNow;
                var settled = await WaitResumedAsync(receiver, workload, victim with { KilledAt = restartedAt }, receiver.Count, ct);
                if (double.IsNaN(settled.AllMilliseconds))
                {
                    notice = $"{side}: not every job fired within {ResumeDeadline.TotalSeconds:0} s of {victim.Name} restarting; failovers stopped there.";
                    break;
                }
                settledAt = restartedAt;
            }
        }
        catch (TimeoutException e)
        {
            notice = $"{side}: failover not measured further: {e.Message}";
        }
        if (notice is not null)
            Console.Error.WriteLine($"  {notice}");

        var to = WholeSecond(settledAt ?? DateTimeOffset.UtcNow);
        var across = WindowResult.Of(receiver.Deliveries, workload, from, to);
        Console.Error.WriteLine($"  {side}, across the failovers: {Describe(across)}");
        return new SideResult(windows, samples, across.Duplicates, across.Missed, notice);
    }

    /// <summary>
    /// From the kill on: the first arrival of an occurrence after the kill among the victim's jobs, and the time by
    /// which every job of the workload had one. NaN for what did not happen within <see cref="ResumeDeadline"/>.
    /// </summary>
    private static async Task<FailoverSample> WaitResumedAsync(
        WebhookReceiver receiver, DispatchWorkload workload, Victim victim, int index, CancellationToken ct)
    {
        DateTimeOffset? first = null;
        var resumed = new Dictionary<string, DateTimeOffset>();
        var deadline = victim.KilledAt + ResumeDeadline;
        while (resumed.Count < workload.Jobs && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(Poll, ct);
            var arrived = receiver.Since(index);
            index += arrived.Count;
            foreach (var delivery in arrived.Where(d => d.Occurrence > victim.KilledAt))
            {
                if (victim.Jobs.Contains(delivery.Job) && (first is null || delivery.ReceivedAt < first))
                    first = delivery.ReceivedAt;
                if (!resumed.TryGetValue(delivery.Job, out var at) || delivery.ReceivedAt < at)
                    resumed[delivery.Job] = delivery.ReceivedAt;
            }
        }
        return new FailoverSample(
            victim.Name,
            first is { } f ? (f - victim.KilledAt).TotalMilliseconds : double.NaN,
            resumed.Count == workload.Jobs ? (resumed.Values.Max() - victim.KilledAt).TotalMilliseconds : double.NaN);
    }

    private static IReadOnlyList<BenchRow> Rows(
        Plan plan, DispatchWorkload minute, SideResult oursMinute, SideResult theirsMinute,
        DispatchWorkload second, SideResult oursSecond, SideResult theirsSecond)
    {
        var targets = $"Targets (issue 9): p99 lateness ≤ 100 ms with a live leader; failover gap ≤ ZooKeeper session timeout + 1 s "
                      + $"(the nodes run with {JobLogDispatchSettings.SessionTimeout.TotalSeconds:0} s); zero duplicates.";
        var method = string.Create(CultureInfo.InvariantCulture,
            $"Lateness = arrival at the bench's loopback receiver − the scheduled instant it carries (X-JobLog-Occurrence; Quartz sends its ScheduledFireTimeUtc). Each figure is the median over {plan.Windows} back-to-back windows ({plan.MinuteWindow.TotalSeconds:0} s for (a), {plan.SecondWindow.TotalSeconds:0} s for (b)); duplicates (same job and instant twice) and missed are totals over the windows.");
        var quartz = "Quartz.NET 4.7.3: AdoJobStore on the same PostgreSQL, PostgreSQL delegate, clustered with its default check-in "
                     + $"(7.5 s, grace 7.5 s), {QuartzPeerTuning.Bench.Threads} threads and batches of {QuartzPeerTuning.Bench.BatchSize} per peer. "
                     + "It has no leader: its failover kills the peer that fired last, and 'first dispatch' counts that peer's jobs.";
        var failoverHow = string.Create(CultureInfo.InvariantCulture,
            $"kill -9 of JobLog's leader (the node /cluster names) during (b), {plan.Kills} time(s), each victim restarted once every job fired again; medians over the kills. A gap counts from the kill to the arrival of the first occurrence scheduled after it, so it includes the side's lateness at that moment. Missed across failovers is what each misfire policy leaves undelivered (JobLog's default fireOnce runs one catch-up per job).");
        var throughput = $"From (b): how fast the {second.Jobs:N0} occurrences due at one instant arrive once they begin to (arrivals − 1 ÷ first to last arrival), "
                         + "median over instants, then over windows; the target is the bench's own receiver (fast, local). Needed for JobLog only; "
                         + "Quartz's is read the same way for reference.";

        var a = $"(a) {minute.Label}";
        var b = $"(b) {second.Label}";
        var c = $"(c) failover, {second.Label}";
        var rows = new List<BenchRow>();
        foreach (var (label, ours, theirs) in new[] { (a, oursMinute, theirsMinute), (b, oursSecond, theirsSecond) })
        {
            rows.Add(Row($"{label}: lateness p50", "ms", ours, theirs, r => Percentile(r, 0.50), null, method));
            rows.Add(Row($"{label}: lateness p99", "ms", ours, theirs, r => Percentile(r, 0.99), "≤ 100 ms", targets, method));
            rows.Add(Row($"{label}: lateness max", "ms", ours, theirs, r => Percentile(r, 1.0), null, method));
            rows.Add(Row($"{label}: duplicates", "count", ours, theirs, r => Total(r, w => w.Duplicates), "0", targets, method));
            rows.Add(Row($"{label}: missed occurrences", "count", ours, theirs, r => Total(r, w => w.Missed), "0", method));
        }
        var gapTarget = string.Create(CultureInfo.InvariantCulture, $"≤ {(JobLogDispatchSettings.SessionTimeout + TimeSpan.FromSeconds(1)).TotalMilliseconds:N0} ms");
        rows.Add(Row($"{c}: kill → first dispatch", "ms", oursSecond, theirsSecond, r => Gap(r, s => s.FirstMilliseconds), gapTarget, targets, failoverHow, quartz));
        rows.Add(Row($"{c}: kill → every job fired again", "ms", oursSecond, theirsSecond, r => Gap(r, s => s.AllMilliseconds), gapTarget, targets, failoverHow, quartz));
        rows.Add(Row($"{c}: duplicates across the failovers", "count", oursSecond, theirsSecond, r => r.FailoverDuplicates ?? double.NaN, "0", targets, failoverHow));
        rows.Add(Row($"{c}: missed across the failovers", "count", oursSecond, theirsSecond, r => r.FailoverMissed ?? double.NaN, null, failoverHow));
        rows.Add(Row($"(d) throughput, bursts of {second.Jobs:N0} occurrences", "deliveries/s", oursSecond, theirsSecond, Throughput, null, throughput));
        return rows;

        BenchRow Row(string name, string unit, SideResult ours, SideResult theirs, Func<SideResult, double> value, string? target, params string[] notes) =>
            new("dispatch", name, unit, value(ours), target, PeerName, value(theirs),
                notes.Concat(new[] { ours.Notice, theirs.Notice }.OfType<string>()).ToList());
    }

    private static double Percentile(SideResult result, double p)
    {
        var measured = result.Windows.Where(w => w.Lateness.Count > 0).Select(w => Stats.Percentile(w.Lateness, p)).ToList();
        return measured.Count > 0 ? Stats.Median(measured) : double.NaN;
    }

    private static double Total(SideResult result, Func<WindowResult, int> count) =>
        result.Windows.Count > 0 ? result.Windows.Sum(count) : double.NaN;

    private static double Gap(SideResult result, Func<FailoverSample, double> gap)
    {
        var measured = result.Failovers.Select(gap).Where(double.IsFinite).ToList();
        return measured.Count > 0 ? Stats.Median(measured) : double.NaN;
    }

    private static double Throughput(SideResult result)
    {
        var measured = result.Windows.Where(w => w.BurstRates.Count > 0).Select(w => Stats.Median(w.BurstRates)).ToList();
        return measured.Count > 0 ? Stats.Median(measured) : double.NaN;
    }

    private static string Describe(WindowResult result)
    {
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{result.Delivered:N0}/{result.Expected:N0} delivered, {result.Duplicates} duplicates, {result.Unexpected} unexpected");
        return result.Lateness.Count == 0
            ? summary
            : summary + string.Create(CultureInfo.InvariantCulture,
                $", lateness p50 {Stats.Percentile(result.Lateness, 0.5):0.0} ms, p99 {Stats.Percentile(result.Lateness, 0.99):0.0} ms, max {result.Lateness.Max():0.0} ms");
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) =>
        new(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>Polls <paramref name="done"/> until it holds (true) or <paramref name="within"/> has passed (false).</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> done, TimeSpan within, CancellationToken ct, TimeSpan? every = null)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (!done())
        {
            if (DateTimeOffset.UtcNow > deadline)
                return false;
            await Task.Delay(every ?? Poll, ct);
        }
        return true;
    }

    /// <summary>Sizes and durations: quick finishes in a few minutes, full in under twenty.</summary>
    private sealed record Plan(int MinuteJobs, int SecondJobs, int Windows, TimeSpan MinuteWindow, TimeSpan SecondWindow, TimeSpan WarmUp, int Kills)
    {
        public static Plan For(BenchOptions options) => options.Quick
            ? new Plan(1_000, 100, Math.Min(options.Runs, 2), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 1)
            : new Plan(10_000, 1_000, options.Runs, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), Math.Min(options.Runs, 3));
    }

    private sealed record Sides(string Postgres, string ZooKeeper, string Quartz, WebhookReceiver Receiver);

    /// <summary>How to take one side's dispatcher down, given the deliveries so far, and how to bring the victim back.</summary>
    private sealed record FailoverHooks(
        Func<IReadOnlyList<Delivery>, CancellationToken, Task<Victim>> KillAsync,
        Func<string, CancellationToken, Task> RestartAsync);

    /// <param name="Jobs">The jobs the victim was dispatching: all of them for JobLog's leader.</param>
    private sealed record Victim(string Name, DateTimeOffset KilledAt, IReadOnlySet<string> Jobs);

    private sealed record FailoverSample(string Victim, double FirstMilliseconds, double AllMilliseconds);

    private sealed record SideResult(
        IReadOnlyList<WindowResult> Windows,
        IReadOnlyList<FailoverSample> Failovers,
        int? FailoverDuplicates,
        int? FailoverMissed,
        string? Notice);
}
