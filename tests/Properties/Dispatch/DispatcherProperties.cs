using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch;

public sealed class DispatcherProperties
{
    [Property(MaxTest = 150, Arbitrary = [typeof(DispatchScenario)])]
    public async Task<bool> Every_due_occurrence_gets_exactly_one_outcome_and_none_fires_twice_whatever_the_jobs_do(DispatchScenario scenario)
    {
        var rig = new DispatchRig();
        var jobs = await AddJobsAsync(rig, scenario);
        // Dispatching began on this store now (an earlier leader took over and was lost at once): what falls in the
        // leaderless time after it is owed, as misfires or catch-up runs.
        await rig.Runs.DispatchingSinceAsync(rig.Clock.GetUtcNow(), CancellationToken.None);
        rig.Clock.Advance(TimeSpan.FromSeconds(scenario.LeaderlessSeconds));
        var (term, inFlight) = rig.Term("node-a", 1);
        await term.StartAsync(CancellationToken.None);
        await inFlight.IdleAsync();

        foreach (var step in scenario.Steps)
        {
            if (step is DispatchStep.Advance advance)
            {
                rig.Clock.Advance(TimeSpan.FromSeconds(advance.Seconds));
                await term.TickAsync(CancellationToken.None);
                await inFlight.IdleAsync();
                continue;
            }
            await ChangeAsync(rig, jobs, step);
        }
        await term.TickAsync(CancellationToken.None);
        await inFlight.IdleAsync();

        var failures = Check(rig, rig.Clock.GetUtcNow());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(8)));
        return true;
    }

    [Property(MaxTest = 150, Arbitrary = [typeof(DispatchScenario)])]
    public async Task<bool> Every_occurrence_missed_while_no_leader_dispatched_gets_exactly_one_outcome_whatever_the_jobs_did_meanwhile(DispatchScenario scenario)
    {
        var rig = new DispatchRig();
        // A leader took over and was lost at once; the jobs are paused, changed, deleted and restored while nobody
        // dispatches, and the next leader's take-over owes a record for every occurrence of every state they went through.
        await LeaderlessAsync(rig, scenario);
        // Every missed occurrence is recorded one by one (the default keeps the latest thousand per job and one summary).
        var (term, inFlight) = rig.Term("node-a", 1, new DispatchOptions { ClaimAheadSeconds = 0, MaxMisfireRecords = 1_000_000 });
        await term.StartAsync(CancellationToken.None);
        await term.TickAsync(CancellationToken.None);
        await inFlight.IdleAsync();

        var failures = Check(rig, rig.Clock.GetUtcNow());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(8)));
        return true;
    }

    [Property(MaxTest = 150, Arbitrary = [typeof(DispatchScenario)])]
    public async Task<bool> A_leader_lost_at_any_call_of_its_take_over_leaves_the_next_one_every_missed_occurrence_to_give_exactly_one_outcome(
        DispatchScenario scenario, byte lostAtCall)
    {
        var rig = new DispatchRig(gated: true);
        await LeaderlessAsync(rig, scenario);
        var options = new DispatchOptions { ClaimAheadSeconds = 0, MaxMisfireRecords = 1_000_000 };
        // The first leader's take-over stops at a call to the run store (after its catch-up claims and before the misfire
        // records, say); its deliveries are held until the next leader has taken over, so none of them began.
        var calls = lostAtCall % 12;
        var (lost, lostInFlight) = rig.Term("node-a", DispatchRig.Leadership(1), options, runs: LosingRunStore.Over(rig.Watched, calls));
        try
        {
            await lost.StartAsync(CancellationToken.None);
        }
        catch (IOException)
        {
        }
        rig.Clock.Advance(TimeSpan.FromSeconds(3));
        var (next, nextInFlight) = rig.Term("node-b", 2, options);
        await next.StartAsync(CancellationToken.None);
        await next.TickAsync(CancellationToken.None);
        await rig.ReleaseUntilIdleAsync(lostInFlight, nextInFlight);

        var failures = Check(rig, rig.Clock.GetUtcNow());
        failures.AddRange(rig.RunsWithoutOutcome());
        Assert.True(failures.Count == 0, $"lost at call {calls}: " + string.Join(Environment.NewLine, failures.Take(8)));
        return true;
    }

    /// <summary>The scenario's jobs, then its steps while no leader dispatches (dispatching having begun on the store).</summary>
    private static async Task LeaderlessAsync(DispatchRig rig, DispatchScenario scenario)
    {
        var jobs = await AddJobsAsync(rig, scenario);
        await rig.Runs.DispatchingSinceAsync(rig.Clock.GetUtcNow(), CancellationToken.None);
        rig.Clock.Advance(TimeSpan.FromSeconds(scenario.LeaderlessSeconds));
        foreach (var step in scenario.Steps)
        {
            if (step is DispatchStep.Advance advance)
                rig.Clock.Advance(TimeSpan.FromSeconds(advance.Seconds));
            else
                await ChangeAsync(rig, jobs, step);
        }
    }

    private static async Task<List<JobId>> AddJobsAsync(DispatchRig rig, DispatchScenario scenario)
    {
        var jobs = new List<JobId>();
        for (var i = 0; i < scenario.Crons.Count; i++)
        {
            await rig.AddAsync($"job-{i}", scenario.Crons[i]);
            jobs.Add(JobId.Parse($"job-{i}"));
        }
        return jobs;
    }

    /// <summary>The outcome ledger against the model: one record per owed occurrence, at the version that made it due.</summary>
    internal static List<string> Check(DispatchRig rig, DateTimeOffset until)
    {
        var failures = new List<string>();
        var owed = rig.Owed(until);
        var runs = rig.Runs.All.Where(r => r.Kind != RunKind.Manual).ToList();
        var byOccurrence = runs.ToLookup(r => (r.Job, r.ScheduledAt.UtcDateTime));
        foreach (var (job, at, version) in owed)
        {
            var records = byOccurrence[(job, at.UtcDateTime)].ToList();
            if (records.Count != 1)
                failures.Add($"{job} at {at:O} has {records.Count} records");
            else if (records[0].JobVersion != version)
                failures.Add($"{job} at {at:O} ran at version {records[0].JobVersion}, due at version {version}");
            else if (records[0].Outcome is null)
                failures.Add($"{job} at {at:O} has no outcome");
        }
        var owedSet = owed.Select(o => (o.Job, o.At.UtcDateTime)).ToHashSet();
        foreach (var run in runs.Where(r => !owedSet.Contains((r.Job, r.ScheduledAt.UtcDateTime))))
            failures.Add($"{run.Job} at {run.ScheduledAt:O} was recorded ({run.Outcome}: {run.Error}) but was not due");
        // Manual runs are their own occurrences (each trigger once); scheduled and catch-up ones once per instant.
        var manualKeys = rig.Runs.All.Where(r => r.Kind == RunKind.Manual).Select(r => r.TriggerId!.Value.ToString("N")).ToHashSet();
        var scheduledSent = rig.Sender.Sent.Where(s => !manualKeys.Contains(s.IdempotencyKey)).ToList();
        foreach (var twice in rig.Sender.Sent.GroupBy(s => s.IdempotencyKey).Where(g => g.Count() > 1))
            failures.Add($"{twice.First().Job} at {twice.First().ScheduledAt:O} was sent {twice.Count()} times");
        foreach (var sent in scheduledSent)
        {
            var due = owed.Where(o => o.Job == sent.Job && o.At == sent.ScheduledAt).ToList();
            if (due.Count != 1 || due[0].Version != sent.JobVersion)
                failures.Add($"{sent.Job} at {sent.ScheduledAt:O} was sent with version {sent.JobVersion}, due {due.Count} times");
        }
        return failures;
    }

    private static async Task ChangeAsync(DispatchRig rig, List<JobId> jobs, DispatchStep step)
    {
        var index = step switch
        {
            DispatchStep.Pause p => p.Job,
            DispatchStep.Resume r => r.Job,
            DispatchStep.Delete d => d.Job,
            DispatchStep.Restore r => r.Job,
            DispatchStep.Update u => u.Job,
            _ => 0,
        };
        if (index >= jobs.Count)
            return;
        var job = jobs[index];
        var state = rig.Schedule.Current.Find(job)!;
        var active = state.Status == JobStatus.Active;
        switch (step)
        {
            case DispatchStep.Pause when active && state.Enabled:
                await rig.PauseAsync(job);
                break;
            case DispatchStep.Resume when active && !state.Enabled:
                await rig.ResumeAsync(job);
                break;
            case DispatchStep.Delete when active:
                await rig.DeleteAsync(job);
                break;
            case DispatchStep.Restore when !active:
                await rig.RestoreAsync(job);
                break;
            case DispatchStep.Update u when active:
                await rig.UpdateAsync(job, u.Cron);
                break;
        }
    }
}
