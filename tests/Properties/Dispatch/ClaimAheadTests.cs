using JobLog.Dispatch;
using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// A leader claims an occurrence <see cref="DispatchOptions.ClaimAhead"/> before its instant, records its first attempt
/// <see cref="DispatchOptions.BeginAhead"/> before it and calls at the instant; what the job is and does at the instant
/// decides (paused, changed, its earlier run still in flight).
/// </summary>
public sealed class ClaimAheadTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly JobId Job = JobId.Parse("job");
    private static readonly DispatchOptions Ahead = new() { ClaimAheadSeconds = 0.5, BeginAheadSeconds = 0.1 };

    // The rig starts at 00:00:00.250; the job fires on even seconds, first at 00:00:02.
    private static readonly DateTimeOffset Instant = DispatchRig.Start.AddMilliseconds(1750);

    private static Func<JobDefinition, DispatchPolicy> Concurrency(ConcurrencyPolicy policy) =>
        _ => DispatchPolicy.Default with { Concurrency = policy };

    private static async Task MoveToAsync(DispatchRig rig, DispatchTerm term, DateTimeOffset to)
    {
        rig.Clock.Advance(to - rig.Clock.GetUtcNow());
        await term.TickAsync(None);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(5);
        }
    }

    // A held delivery takes the sender's gate as it arrives: release until the condition holds, not once.
    private static async Task ReleaseUntilAsync(DispatchRig rig, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            rig.Sender.ReleaseAll();
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task An_occurrence_is_claimed_ahead_its_attempt_recorded_just_before_and_the_call_made_at_its_instant()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, Ahead);
        await term.StartAsync(None);

        var next = await term.TickAsync(None);
        Assert.Equal(Instant - Ahead.ClaimAhead, next);
        await MoveToAsync(rig, term, Instant.AddMilliseconds(-600));
        Assert.Empty(rig.RunsOf("job"));

        await MoveToAsync(rig, term, Instant.AddMilliseconds(-400));
        var claimed = Assert.Single(rig.RunsOf("job"));
        Assert.Equal((Instant, 0, (DateTimeOffset?)null), (claimed.ScheduledAt, claimed.Attempts, claimed.StartedAt));

        await MoveToAsync(rig, term, Instant.AddMilliseconds(-50));
        await WaitUntilAsync(() => rig.RunsOf("job")[0].Attempts == 1, "the first attempt recorded as begun");
        Assert.Equal(Instant, rig.RunsOf("job")[0].StartedAt);
        await Task.Delay(50);
        Assert.Empty(rig.Sender.Sent);

        await MoveToAsync(rig, term, Instant);
        await inFlight.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var sent = Assert.Single(rig.Sender.Sent);
        Assert.Equal(Instant, sent.ScheduledAt);
        Assert.Equal(RunOutcome.Succeeded, rig.RunsOf("job")[0].Outcome);
    }

    [Fact]
    public async Task A_job_paused_after_its_occurrence_was_claimed_ahead_is_not_called_and_the_run_says_why()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, Ahead);
        await term.StartAsync(None);

        await MoveToAsync(rig, term, Instant.AddMilliseconds(-400));
        Assert.Single(rig.RunsOf("job"));
        await rig.PauseAsync(Job);
        await MoveToAsync(rig, term, Instant);
        await inFlight.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(rig.Sender.Sent);
        var run = Assert.Single(rig.RunsOf("job"));
        Assert.Equal((RunOutcome.Skipped, 0), (run.Outcome, run.Attempts));
        Assert.Contains("paused after the occurrence was claimed", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_forbid_the_previous_run_is_judged_at_the_instant_not_at_the_claim()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, Ahead, Concurrency(ConcurrencyPolicy.Forbid));
        await term.StartAsync(None);

        // 00:00:02 runs and is held by the target; 00:00:04 is claimed while it is in flight, and it ends before 00:00:04.
        await MoveToAsync(rig, term, Instant);
        await WaitUntilAsync(() => rig.RunsOf("job")[0].Attempts == 0 && inFlight.Count == 1, "the first run held by the target");
        await MoveToAsync(rig, term, Instant.AddMilliseconds(1600));
        Assert.Equal(2, rig.RunsOf("job").Count);
        await ReleaseUntilAsync(rig, () => rig.RunsOf("job")[0].Outcome is not null, "the first run's outcome");
        await MoveToAsync(rig, term, Instant.AddSeconds(2));
        await WaitUntilAsync(() => inFlight.Count == 1 && rig.Sender.Sent.Count == 1, "the second run held by the target");

        // 00:00:06 is claimed while 00:00:04 is in flight, and 00:00:04 is still in flight at 00:00:06: skipped then.
        await MoveToAsync(rig, term, Instant.AddMilliseconds(3600));
        Assert.Equal(3, rig.RunsOf("job").Count);
        await MoveToAsync(rig, term, Instant.AddSeconds(4));
        await WaitUntilAsync(() => rig.RunsOf("job")[2].Outcome is not null, "the third run's outcome");
        await ReleaseUntilAsync(rig, () => inFlight.Count == 0, "every delivery ended");

        var runs = rig.RunsOf("job");
        Assert.Equal([RunOutcome.Succeeded, RunOutcome.Succeeded, RunOutcome.Skipped], runs.Select(r => r.Outcome!.Value));
        Assert.Contains($"previous run {runs[1].Id}", runs[2].Error, StringComparison.Ordinal);
        Assert.Equal(2, rig.Sender.Sent.Count);
    }
}
