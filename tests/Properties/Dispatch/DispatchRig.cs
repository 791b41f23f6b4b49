using System.Collections.Immutable;
using JobLog.Dispatch;
using JobLog.Dispatch.Leader;
using JobLog.Dispatch.Runs;
using JobLog.Node;
using JobLog.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// What a dispatcher works on, in one process and on a fake clock: the event store and a node's schedule folded from it,
/// the in-memory run store, and a sender. Terms are made with their own node name, leadership and in-flight deliveries.
/// </summary>
public sealed class DispatchRig
{
    // A quarter second past the second: changes never coincide with an occurrence (crons fire on whole seconds).
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 0, 0, 0, 250, TimeSpan.Zero);

    /// <summary>The incarnation of the election the rig's terms lead in unless a test names another.</summary>
    public const string Incarnation = "test-election";

    private static readonly Provenance By = new("test", "node-test", null);

    public DispatchRig(bool gated = false, DateTimeOffset? start = null)
    {
        Clock = new FakeTimeProvider(start ?? Start);
        Events = new InMemoryJobEventStore(Clock);
        Sender = new RecordingSender(gated);
        Watched = new FenceWatchingRunStore(Runs);
    }

    /// <summary>The run store as the dispatchers use it, noting any write a deposed epoch got through.</summary>
    public FenceWatchingRunStore Watched { get; }

    public FakeTimeProvider Clock { get; }

    public InMemoryJobEventStore Events { get; }

    public ScheduleHolder Schedule { get; } = new();

    public InMemoryRunStore Runs { get; } = new();

    public RecordingSender Sender { get; }

    /// <summary>Every job state the schedule went through, with the instant it began (the event's commit time).</summary>
    public List<JobState> States { get; } = [];

    public static JobDefinition Definition(string cron, string url = "http://t.test/", string zone = "UTC") =>
        new("job", cron, zone, new WebhookTarget(url, "POST", ImmutableSortedDictionary<string, string>.Empty, null, 5));

    public async Task ChangeAsync(IJobEvent change)
    {
        var version = Schedule.Current.VersionOf(change.Job);
        var outcome = await Events.AppendAsync(change.Job, version, change, CancellationToken.None);
        var recorded = ((Appended)outcome).Recorded;
        Schedule.ApplyAll([recorded]);
        States.Add(Schedule.Current.Find(change.Job)!);
    }

    public Task AddAsync(string job, string cron, string zone = "UTC") =>
        ChangeAsync(new JobAdded(JobId.Parse(job), Definition(cron, zone: zone), true, By));

    public Task PauseAsync(JobId job) => ChangeAsync(new JobPaused(job, By));

    public Task ResumeAsync(JobId job) => ChangeAsync(new JobResumed(job, By));

    public Task DeleteAsync(JobId job) => ChangeAsync(new JobDeleted(job, By));

    public Task RestoreAsync(JobId job) => ChangeAsync(new JobRestored(job, By));

    public Task UpdateAsync(JobId job, string cron, string url = "http://t.test/") =>
        ChangeAsync(new JobUpdated(job, Definition(cron, url), By));

    /// <summary>Moves the clock, ticks the term and waits until its deliveries are done (or held by the sender).</summary>
    public async Task AdvanceAndTickAsync(DispatchTerm term, InFlightDeliveries inFlight, int seconds, bool waitIdle = true)
    {
        Clock.Advance(TimeSpan.FromSeconds(seconds));
        await term.TickAsync(CancellationToken.None);
        if (waitIdle)
            await inFlight.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Releases the gated sender until every given term's deliveries are done: a delivery started just now may reach the
    /// gate after a release, so one release is not enough.
    /// </summary>
    public async Task ReleaseUntilIdleAsync(params IEnumerable<InFlightDeliveries> inFlight)
    {
        var idle = Task.WhenAll(inFlight.Select(f => f.IdleAsync()));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!idle.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Deliveries still in flight 30 s after their release.");
            Sender.ReleaseAll();
            await Task.WhenAny(idle, Task.Delay(5));
        }
        await idle;
    }

    /// <summary>One failure line per run that has no outcome.</summary>
    public IEnumerable<string> RunsWithoutOutcome() =>
        Runs.All.Where(r => r.Outcome is null).Select(r => $"run {r.Id} ({r.Kind} of {r.Job} at {r.ScheduledAt:O}) has no outcome");

    public IReadOnlyList<RunRecord> RunsOf(string job) => Runs.All.Where(r => r.Job == JobId.Parse(job)).ToList();

    /// <summary>
    /// The dispatcher's options in the rig unless a test gives its own: nothing claimed ahead of its instant, so a tick
    /// at an occurrence's instant calls it (a delivery waiting for its instant waits on a fake clock only the test moves).
    /// </summary>
    public static DispatchOptions Options() => new() { ClaimAheadSeconds = 0 };

    /// <summary>A leadership of the rig's election (<see cref="Incarnation"/>) with this epoch.</summary>
    public static DispatchFenceToken Leadership(long epoch) => new(Incarnation, epoch);

    public (DispatchTerm Term, InFlightDeliveries InFlight) Term(
        string node,
        long epoch,
        DispatchOptions? options = null,
        Func<JobDefinition, DispatchPolicy>? policy = null,
        Action<FencedException>? onFenced = null,
        InFlightDeliveries? inFlight = null) =>
        Term(node, Leadership(epoch), options, policy, onFenced, inFlight);

    public (DispatchTerm Term, InFlightDeliveries InFlight) Term(
        string node,
        DispatchFenceToken leadership,
        DispatchOptions? options = null,
        Func<JobDefinition, DispatchPolicy>? policy = null,
        Action<FencedException>? onFenced = null,
        InFlightDeliveries? inFlight = null,
        IRunStore? runs = null)
    {
        // A node's terms share its deliveries in flight: pass the earlier term's to start another term of the same node.
        inFlight ??= new InFlightDeliveries();
        var term = new DispatchTerm(
            node, leadership, runs ?? Watched, Sender, Schedule, Events, Clock, options ?? Options(), inFlight,
            NullLogger.Instance, onFenced ?? (_ => { }), CancellationToken.None, policy);
        return (term, inFlight);
    }

    /// <summary>
    /// The occurrences a dispatcher owes an outcome by <paramref name="until"/>: those of each job's state while it was
    /// due, after the state began, from the job's creation on.
    /// </summary>
    public IReadOnlyList<(JobId Job, DateTimeOffset At, long Version)> Owed(DateTimeOffset until)
    {
        var owed = new List<(JobId, DateTimeOffset, long)>();
        foreach (var states in States.GroupBy(s => s.Id))
        {
            var list = states.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var state = list[i];
                if (!state.IsDue)
                    continue;
                var end = i + 1 < list.Count ? list[i + 1].UpdatedAt : until;
                if (end > until)
                    end = until;
                var timing = CronTiming.ForStored(state.Definition.Cron, state.Definition.TimeZone)!;
                owed.AddRange(timing.OccurrencesAfter(state.UpdatedAt).TakeWhile(t => t <= end).Select(t => (state.Id, t, state.Version)));
            }
        }
        return owed;
    }
}
