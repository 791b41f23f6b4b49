using JobLog.Store;
using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch;

public sealed class DispatchTermTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly JobId Job = JobId.Parse("job");

    private static Func<JobDefinition, DispatchPolicy> Concurrency(ConcurrencyPolicy policy) =>
        _ => DispatchPolicy.Default with { Concurrency = policy };

    [Fact]
    public async Task Under_forbid_an_occurrence_due_while_the_previous_run_is_in_flight_is_skipped_with_the_reason()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, policy: Concurrency(ConcurrencyPolicy.Forbid));
        await term.StartAsync(None);

        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.ReleaseUntilIdleAsync(inFlight);

        var runs = rig.RunsOf("job");
        Assert.Equal([RunOutcome.Succeeded, RunOutcome.Skipped], runs.Select(r => r.Outcome!.Value));
        Assert.Contains("still in flight", runs[1].Error);
        Assert.Single(rig.Sender.Sent);
    }

    [Fact]
    public async Task A_claim_whose_term_ended_before_its_call_is_dispatched_by_the_next_term_of_the_same_leadership()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "*/2 * * * * *");
        var (first, inFlight) = rig.Term("a", 1);
        await first.StartAsync(None);
        rig.Watched.AfterClaim = () => throw new StoreUnavailableException("the answer to the claim was lost", new TimeoutException());

        await Assert.ThrowsAsync<StoreUnavailableException>(() => rig.AdvanceAndTickAsync(first, inFlight, 2));
        rig.Watched.AfterClaim = null;
        var orphan = Assert.Single(rig.RunsOf("job"));
        Assert.Null(orphan.Outcome);

        // The node still leads under the same leadership: its dispatcher starts a new term, as after a store outage.
        var (second, secondInFlight) = rig.Term("a", 1, inFlight: inFlight);
        await second.StartAsync(None);
        await secondInFlight.IdleAsync();

        var run = Assert.Single(rig.RunsOf("job"));
        Assert.Equal(RunOutcome.Succeeded, run.Outcome);
        Assert.Single(rig.Sender.Sent);
    }

    [Fact]
    public async Task A_first_leader_owes_nothing_scheduled_before_dispatching_began_and_a_later_one_owes_the_gap()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "*/2 * * * * *");
        rig.Clock.Advance(TimeSpan.FromSeconds(60));
        var (first, firstInFlight) = rig.Term("a", 1);
        await first.StartAsync(None);
        await firstInFlight.IdleAsync();

        Assert.Empty(rig.RunsOf("job"));

        rig.Clock.Advance(TimeSpan.FromSeconds(10));
        var (second, secondInFlight) = rig.Term("b", 2);
        await second.StartAsync(None);
        await secondInFlight.IdleAsync();

        var runs = rig.RunsOf("job");
        Assert.Equal(5, runs.Count);
        Assert.Equal(4, runs.Count(r => r.Outcome == RunOutcome.Misfired));
        Assert.Single(runs, r => r.Kind == RunKind.CatchUp && r.Outcome == RunOutcome.Succeeded);
    }

    [Fact]
    public async Task Under_allow_both_runs_are_called()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, policy: Concurrency(ConcurrencyPolicy.Allow));
        await term.StartAsync(None);

        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.ReleaseUntilIdleAsync(inFlight);

        Assert.Equal([RunOutcome.Succeeded, RunOutcome.Succeeded], rig.RunsOf("job").Select(r => r.Outcome!.Value));
        Assert.Equal(2, rig.Sender.Sent.Count);
    }

    [Fact]
    public async Task Under_replace_the_run_in_flight_is_cancelled_and_recorded_failed_and_the_new_one_runs()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1, policy: Concurrency(ConcurrencyPolicy.Replace));
        await term.StartAsync(None);

        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.AdvanceAndTickAsync(term, inFlight, 2, waitIdle: false);
        await rig.ReleaseUntilIdleAsync(inFlight);

        var runs = rig.RunsOf("job");
        Assert.Equal([RunOutcome.Failed, RunOutcome.Succeeded], runs.Select(r => r.Outcome!.Value));
        Assert.Equal("replaced by the occurrence at 2026-11-26T00:00:04.0000000Z", runs[0].Error);
        Assert.Equal(runs[1].ScheduledAt, Assert.Single(rig.Sender.Sent).ScheduledAt);
    }

    [Fact]
    public async Task A_job_paused_or_deleted_between_claim_and_call_is_skipped_with_the_reason_and_not_called()
    {
        foreach (var (change, reason) in new (Func<DispatchRig, Task>, string)[]
                 {
                     (rig => rig.PauseAsync(Job), "the job was paused after the occurrence was claimed"),
                     (rig => rig.DeleteAsync(Job), "the job was deleted after the occurrence was claimed"),
                 })
        {
            var rig = new DispatchRig();
            await rig.AddAsync("job", "*/2 * * * * *");
            var (term, inFlight) = rig.Term("a", 1);
            await term.StartAsync(None);
            rig.Watched.AfterClaim = () => change(rig);

            await rig.AdvanceAndTickAsync(term, inFlight, 2);

            var run = Assert.Single(rig.RunsOf("job"));
            Assert.Equal((RunOutcome.Skipped, reason), (run.Outcome!.Value, run.Error!));
            Assert.Empty(rig.Sender.Sent);
        }
    }

    // A job firing every two seconds, updated to the cron given (and a new URL) as soon as its first occurrence is claimed.
    private static async Task<(DispatchRig Rig, JobLog.Dispatch.Leader.DispatchTerm Term, JobLog.Dispatch.Leader.InFlightDeliveries InFlight)>
        ChangedAfterItsFirstClaimAsync(string cron)
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "*/2 * * * * *");
        var (term, inFlight) = rig.Term("a", 1);
        await term.StartAsync(None);
        rig.Watched.AfterClaim = async () =>
        {
            rig.Watched.AfterClaim = null;
            await rig.UpdateAsync(Job, cron, "http://changed.test/");
        };
        return (rig, term, inFlight);
    }

    [Fact]
    public async Task A_job_changed_between_claim_and_call_is_called_as_it_is_now_when_it_still_fires_then()
    {
        var (rig, term, inFlight) = await ChangedAfterItsFirstClaimAsync("*/2 * * * * *");

        await rig.AdvanceAndTickAsync(term, inFlight, 2);
        await rig.AdvanceAndTickAsync(term, inFlight, 2);

        var sent = rig.Sender.Sent.ToList();
        Assert.Equal([(2L, "http://changed.test/"), (2L, "http://changed.test/")], sent.Select(s => (s.JobVersion, s.Target.Url)));
        Assert.All(rig.RunsOf("job"), run => Assert.Equal((2L, RunOutcome.Succeeded), (run.JobVersion, run.Outcome)));
    }

    [Fact]
    public async Task A_job_changed_between_claim_and_call_so_that_it_no_longer_fires_then_is_not_called_and_says_why()
    {
        var (rig, term, inFlight) = await ChangedAfterItsFirstClaimAsync("*/3 * * * * *");

        await rig.AdvanceAndTickAsync(term, inFlight, 2);

        Assert.Empty(rig.Sender.Sent);
        var run = Assert.Single(rig.RunsOf("job"));
        Assert.Equal((1L, RunOutcome.Skipped), (run.JobVersion, run.Outcome));
        Assert.Contains("version 2 does not fire at", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manual_trigger_runs_a_paused_job_but_not_one_deleted_before_the_leader_claims_it()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "0 0 1 1 *");
        await rig.PauseAsync(Job);
        var (term, inFlight) = rig.Term("a", 1);
        await term.StartAsync(None);

        var paused = await rig.Runs.RequestTriggerAsync(Job, 2, rig.Clock.GetUtcNow(), None);
        await term.PollTriggersAsync(None);
        await inFlight.IdleAsync();
        var deleted = await rig.Runs.RequestTriggerAsync(Job, 2, rig.Clock.GetUtcNow(), None);
        await rig.DeleteAsync(Job);
        await term.PollTriggersAsync(None);
        await inFlight.IdleAsync();

        Assert.Equal(RunOutcome.Succeeded, (await rig.Runs.GetAsync(paused.Id, None))!.Outcome);
        var skipped = (await rig.Runs.GetAsync(deleted.Id, None))!;
        Assert.Equal((RunOutcome.Skipped, "the job was deleted before the trigger was dispatched"), (skipped.Outcome!.Value, skipped.Error!));
        var sent = Assert.Single(rig.Sender.Sent);
        Assert.Equal(paused.TriggerId!.Value.ToString("N"), sent.IdempotencyKey);
    }

    [Fact]
    public async Task A_new_leader_adopts_a_lost_leaders_run_that_never_began_and_records_one_begun_as_in_doubt_without_calling_again()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("never-begun", "*/2 * * * * *");
        await rig.AddAsync("begun", "*/2 * * * * *");
        var (lost, lostInFlight) = rig.Term("a", 1);
        await lost.StartAsync(None);
        await rig.AdvanceAndTickAsync(lost, lostInFlight, 2, waitIdle: false);
        var begun = rig.RunsOf("begun").Single();
        Assert.True(await rig.Runs.BeginAttemptAsync(begun.Id, 1, "a", DispatchRig.Leadership(1), rig.Clock.GetUtcNow(), None));

        var (leader, leaderInFlight) = rig.Term("b", 2);
        await leader.StartAsync(None);
        await rig.ReleaseUntilIdleAsync(lostInFlight, leaderInFlight);
        Assert.Null((await rig.Runs.GetAsync(begun.Id, None))!.Outcome);
        rig.Clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually(async () => (await rig.Runs.GetAsync(begun.Id, None))!.Outcome is not null, TimeSpan.FromSeconds(30),
            "the run begun by the lost leader is resolved");

        var adopted = rig.RunsOf("never-begun").Single();
        Assert.Equal((RunOutcome.Succeeded, "b", 2L), (adopted.Outcome!.Value, adopted.ClaimedBy!, adopted.Epoch!.Value));
        var inDoubt = (await rig.Runs.GetAsync(begun.Id, None))!;
        Assert.Equal(RunOutcome.Failed, inDoubt.Outcome);
        Assert.Equal("in doubt: dispatcher lost during attempt 1; the target may have received it", inDoubt.Error);
        Assert.Equal(["never-begun"], rig.Sender.Sent.Select(s => s.Job.Value));
    }

    [Fact]
    public async Task A_lost_leaders_run_older_than_the_catch_up_window_is_recorded_misfired_not_called()
    {
        var rig = new DispatchRig(gated: true);
        await rig.AddAsync("job", "0 * * * * *");
        Func<JobDefinition, DispatchPolicy> window = _ => DispatchPolicy.Default with { CatchUpWindowSeconds = 10 };
        var (lost, lostInFlight) = rig.Term("a", 1, policy: window);
        await lost.StartAsync(None);
        await rig.AdvanceAndTickAsync(lost, lostInFlight, 60, waitIdle: false);
        rig.Clock.Advance(TimeSpan.FromSeconds(30));

        var (leader, leaderInFlight) = rig.Term("b", 2, policy: window);
        await leader.StartAsync(None);
        await rig.ReleaseUntilIdleAsync(lostInFlight, leaderInFlight);

        var run = Assert.Single(rig.RunsOf("job"));
        Assert.Equal(RunOutcome.Misfired, run.Outcome);
        Assert.Empty(rig.Sender.Sent);
    }

    [Fact]
    public async Task A_term_fenced_off_by_a_larger_epoch_stops_at_once_and_claims_nothing_more()
    {
        var rig = new DispatchRig();
        await rig.AddAsync("job", "* * * * * *");
        var fenced = new List<FencedException>();
        var (stale, staleInFlight) = rig.Term("a", 1, onFenced: fenced.Add);
        await stale.StartAsync(None);
        await rig.AdvanceAndTickAsync(stale, staleInFlight, 1);
        var (current, _) = rig.Term("b", 2);
        await current.StartAsync(None);

        rig.Clock.Advance(TimeSpan.FromSeconds(3));
        var refused = await Assert.ThrowsAsync<FencedException>(() => stale.TickAsync(None));
        await Assert.ThrowsAsync<FencedException>(() => stale.TickAsync(None));

        Assert.Equal(new FenceHolder(DispatchRig.Incarnation, 2, "b"), refused.Fence);
        Assert.True(stale.Fenced);
        Assert.Single(fenced);
        Assert.All(rig.Runs.All, r => Assert.True(r.ClaimedAt <= DispatchRig.Start.AddSeconds(1) || r.Epoch == 2));
    }
}
