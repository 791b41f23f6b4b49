using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using JobLog.Model;

namespace JobLog.Bench;

/// <summary>
/// How fast a node folds the event log at start-up and how much memory the resulting schedule holds per job.
/// Events are made by the decider, as the store would hold them, before any clock starts.
/// </summary>
public sealed class FoldBench : IBenchSuite
{
    private const int EventsPerJob = 100;
    private const string PlainDictionary = "Dictionary+Evolve";

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Crons = ["*/15 * * * *", "0 2 * * *", "30 1 * * 1-5", "0 */10 * * * *"];
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];

    public string Name => "fold";

    public Task<IReadOnlyList<BenchRow>> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var jobs = options.Quick ? 1_000 : 10_000;
        var memoryJobs = options.Quick ? 10_000 : 100_000;
        var runs = Math.Max(1, options.Runs);

        var events = Generate(jobs, EventsPerJob, seed: 42);
        var rates = Rates(
            events.Count,
            runs,
            ct,
            () => Schedule.Fold(events).Count,
            () => FoldIntoDictionary(events).Count,
            () => ApplyOneByOne(events).Count);
        var (foldRate, peerRate, applyRate) = (rates[0], rates[1], rates[2]);
        events = null;

        var bytesPerJob = BytesPerJob(memoryJobs, runs, added => Schedule.Fold(added), ct);
        var peerBytesPerJob = BytesPerJob(memoryJobs, runs, FoldIntoDictionary, ct);

        var size = $"{jobs:N0} jobs x {EventsPerJob}";
        IReadOnlyList<BenchRow> rows =
        [
            new(Name, $"Schedule.Fold, {size}", "events/s", foldRate, "≥ 2,000,000 events/s", PlainDictionary, peerRate),
            new(Name, $"Schedule.Apply one by one, {size}", "events/s", applyRate, PeerName: PlainDictionary, PeerMedian: peerRate),
            new(Name, $"memory, {memoryJobs:N0} jobs after Fold", "bytes/job", bytesPerJob, PeerName: PlainDictionary, PeerMedian: peerBytesPerJob),
        ];
        return Task.FromResult(rows);
    }

    /// <summary>
    /// Median events per second of each fold over <paramref name="runs"/>, after one warm-up each. The folds take
    /// turns within every run, so a busy machine slows all of them alike and the ratios stay fair.
    /// </summary>
    private static double[] Rates(int events, int runs, CancellationToken ct, params Func<int>[] folds)
    {
        var rates = folds.Select(_ => new List<double>(runs)).ToArray();
        var jobs = folds.Sum(fold => fold());
        for (var run = 0; run < runs; run++)
        {
            for (var f = 0; f < folds.Length; f++)
            {
                ct.ThrowIfCancellationRequested();
                // Garbage left by the previous fold must not be collected on this one's time.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var clock = Stopwatch.StartNew();
                jobs ^= folds[f]();
                rates[f].Add(events / clock.Elapsed.TotalSeconds);
            }
        }
        GC.KeepAlive(jobs);
        return rates.Select(Stats.Median).ToArray();
    }

    /// <summary>Median bytes still reachable from the folded result per job, with the events themselves dropped.</summary>
    private static double BytesPerJob(int jobs, int runs, Func<IReadOnlyList<RecordedEvent>, object> fold, CancellationToken ct)
    {
        var samples = new List<double>(runs);
        for (var run = 0; run < runs; run++)
        {
            ct.ThrowIfCancellationRequested();
            samples.Add(RetainedBytes(jobs, run, fold) / (double)jobs);
        }
        return Stats.Median(samples);
    }

    // Out of line so nothing of one run (a stack slot still pointing at its result) is counted in the next.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RetainedBytes(int jobs, int seed, Func<IReadOnlyList<RecordedEvent>, object> fold)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var held = FoldFresh(jobs, seed, fold);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        return after - before;
    }

    // Out of line so the events are unreachable once it returns and the measurement sees only the result.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object FoldFresh(int jobs, int seed, Func<IReadOnlyList<RecordedEvent>, object> fold) =>
        fold(Generate(jobs, eventsPerJob: 1, seed));

    private static Schedule ApplyOneByOne(IReadOnlyList<RecordedEvent> events)
    {
        var schedule = Schedule.Empty;
        foreach (var e in events)
            schedule = schedule.Apply(e).Schedule;
        return schedule;
    }

    /// <summary>The obvious fold: a mutable dictionary, the same version checks and <see cref="JobEvolution.Evolve"/>.</summary>
    private static Dictionary<string, JobState> FoldIntoDictionary(IReadOnlyList<RecordedEvent> events)
    {
        var jobs = new Dictionary<string, JobState>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            jobs.TryGetValue(e.Job.Value, out var current);
            if (e.Version != (current?.Version ?? 0) + 1)
                continue;
            if (JobEvolution.Evolve(current, e) is { } next)
                jobs[e.Job.Value] = next;
        }
        return jobs;
    }

    /// <summary>
    /// <paramref name="jobs"/> streams of <paramref name="eventsPerJob"/> accepted events, interleaved round by round
    /// in a shuffled job order, as a store would return them by global sequence.
    /// </summary>
    private static List<RecordedEvent> Generate(int jobs, int eventsPerJob, int seed)
    {
        var random = new Random(seed);
        var by = new Provenance("bench", "node-a", null);
        var updates = Enumerable.Range(0, 16).Select(i => Definition(1_000_000 + i, random)).ToArray();
        var ids = Enumerable.Range(0, jobs).Select(i => JobId.Parse($"job-{i:D6}")).ToArray();
        random.Shuffle(ids);
        var states = new JobState?[jobs];
        var events = new List<RecordedEvent>(jobs * eventsPerJob);
        var at = Start;
        for (var round = 0; round < eventsPerJob; round++)
        {
            for (var j = 0; j < jobs; j++)
            {
                var state = states[j];
                var command = NextCommand(ids[j], state, by, j, updates, random);
                if (JobDecider.Decide(state, command) is not Accepted { Event: var e })
                    throw new InvalidOperationException($"The generator chose an illegal {command.GetType().Name}.");
                at = at.AddMilliseconds(random.Next(1, 50));
                var recorded = new RecordedEvent(e, (state?.Version ?? 0) + 1, events.Count + 1, at);
                states[j] = JobEvolution.Evolve(state, recorded);
                events.Add(recorded);
            }
        }
        return events;
    }

    private static JobCommand NextCommand(
        JobId id, JobState? state, Provenance by, int index, JobDefinition[] updates, Random random) => state switch
    {
        null => new AddJob(id, Definition(index, random), Enabled: true, by),
        { Status: JobStatus.Deleted } => new RestoreJob(id, by),
        _ => random.Next(10) switch
        {
            < 5 => new UpdateJob(id, updates[random.Next(updates.Length)], by),
            < 8 => state.Enabled ? new PauseJob(id, by) : new ResumeJob(id, by),
            _ => new DeleteJob(id, by),
        },
    };

    // Every string is its own copy, as it would be when read from the store, so the memory figure is not flattered
    // by literals shared between jobs.
    private static JobDefinition Definition(int index, Random random)
    {
        var headers = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)
            .Add(Copy("Authorization"), $"Bearer {random.NextInt64():x16}{random.NextInt64():x16}")
            .Add(Copy("Content-Type"), Copy("application/json"));
        var target = new WebhookTarget(
            $"https://hooks.example.com/tenants/{index % 97}/jobs/{index:D6}/run",
            Copy("POST"),
            headers,
            $"{{\"job\":\"job-{index:D6}\",\"kind\":\"report\",\"notify\":[\"ops@example.com\"]}}",
            WebhookTarget.DefaultTimeoutSeconds);
        return new JobDefinition(
            $"Nightly report {index:D6}", Copy(Crons[index % Crons.Length]), Copy(Zones[index % Zones.Length]), target);
    }

    private static string Copy(string text) => new(text.AsSpan());
}
