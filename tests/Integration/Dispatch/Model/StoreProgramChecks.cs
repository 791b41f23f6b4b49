using JobLog.Dispatch;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>What must hold after any program, judged from the calls' answers and the rows the store ends with.</summary>
public static class StoreProgramChecks
{
    private static readonly StoreCommandKind[] FencedWrites =
    [
        StoreCommandKind.TakeOver, StoreCommandKind.Claim, StoreCommandKind.Resolve, StoreCommandKind.Begin,
        StoreCommandKind.Adopt, StoreCommandKind.ClaimTrigger,
    ];

    public static IReadOnlyList<string> Violations(StoreProgram program, IReadOnlyList<LoggedCall> log, IReadOnlyList<RunRecord> rows)
    {
        var violations = new List<string>();
        var occurrenceRuns = rows.Where(r => r.Kind != RunKind.Manual).ToList();

        foreach (var failed in log.Where(c => c.Failure is not null))
            violations.Add($"unexpected failure: {failed}");

        // Each occurrence is claimed at most once, and every row was given to exactly one caller.
        var claims = log.SelectMany(c => c.Claimed ?? []).ToList();
        foreach (var twice in claims.GroupBy(c => c.Slot).Where(g => g.Count() > 1))
            violations.Add($"{StoreCommand.SlotName(twice.Key)} claimed {twice.Count()} times");
        if (occurrenceRuns.Count != claims.Count)
            violations.Add($"{occurrenceRuns.Count} occurrence rows stored, {claims.Count} claims answered with a run");
        foreach (var twice in Wins(log, StoreCommandKind.ClaimTrigger).GroupBy(c => c.RunId).Where(g => g.Count() > 1))
            violations.Add($"trigger run {twice.Key} claimed {twice.Count()} times");

        // A run is called by one dispatcher only: adoption never takes a run whose owner began a call.
        foreach (var run in Wins(log, StoreCommandKind.Begin).GroupBy(c => c.RunId))
        {
            var callers = run.Select(c => c.Caller).Distinct().ToList();
            if (callers.Count > 1)
                violations.Add($"run {run.Key} called by {string.Join(" and ", callers)}");
        }

        // Adoption takes only a run that never began a call and has no outcome.
        foreach (var adopt in Wins(log, StoreCommandKind.Adopt))
        {
            if (log.FirstOrDefault(c => c.Command.Kind is StoreCommandKind.Begin or StoreCommandKind.Complete
                                        && c.Won && c.RunId == adopt.RunId && c.End < adopt.Start) is { } earlier)
                violations.Add($"adopted after {earlier}: {adopt}");
        }

        // A fenced write succeeds only under the leadership the fence holds: its caller took over before it, and no other
        // leadership took over after that and before it. A refusal is explained by a take-over the other way round.
        // Calls that overlap in time may have run in either order, so only calls one after the other are judged.
        var takeOvers = Wins(log, StoreCommandKind.TakeOver).ToList();
        foreach (var write in log.Where(c => FencedWrites.Contains(c.Command.Kind) && c.Command.Kind != StoreCommandKind.TakeOver
                                             && !c.NoRun && c.Fenced is null && c.Failure is null))
        {
            var own = takeOvers.Where(t => t.Caller == write.Caller && t.Start < write.End).ToList();
            if (own.Count == 0)
                violations.Add($"not refused although its leadership never took over: {write}");
            else if (takeOvers.FirstOrDefault(o => o.Caller.Leadership != write.Caller.Leadership && o.End < write.Start
                                                   && own.All(t => t.End < o.Start)) is { } after)
                violations.Add($"not refused: {write}, after {after}");
        }
        foreach (var refused in log.Where(c => c.Fenced is not null))
        {
            var fence = refused.Fenced!.Fence;
            if (refused.Fenced.Token != refused.Caller.Leadership || fence.Holds(refused.Caller.Leadership))
                violations.Add($"refusal names the wrong leadership or a fence that holds the caller's: {refused}");
            if (refused.Command.Kind == StoreCommandKind.TakeOver && !fence.Supersedes(refused.Caller.Leadership))
                violations.Add($"take-over refused though the fence holds no later epoch of its election: {refused}");
            var raised = fence.Incarnation is null
                ? !takeOvers.Any(t => t.End < refused.Start)
                : takeOvers.Any(t => (t.Caller.Leadership.Incarnation, t.Caller.Leadership.Epoch) == (fence.Incarnation, fence.Epoch)
                                     && t.Start < refused.End);
            if (!raised)
                violations.Add($"refusal names a fence ({fence}) that no take-over explains: {refused}");
            // Its own take-over ended before the refusal began and no other leadership's took over meanwhile: the fence held it.
            if (refused.Command.Kind != StoreCommandKind.TakeOver
                && takeOvers.Any(t => t.Caller == refused.Caller && t.End < refused.Start
                                      && !takeOvers.Any(o => o.Caller.Leadership != refused.Caller.Leadership && o.End > t.Start && o.Start < refused.End)))
                violations.Add($"refused though its leadership held the fence: {refused}");
        }
        foreach (var takeOver in takeOvers)
        {
            var mine = takeOver.Caller.Leadership;
            if (takeOvers.FirstOrDefault(o => o.Caller.Leadership.Incarnation == mine.Incarnation && o.Caller.Leadership.Epoch > mine.Epoch
                                              && o.End < takeOver.Start
                                              && !takeOvers.Any(x => x.Caller.Leadership.Incarnation != mine.Incarnation
                                                                     && x.End > o.Start && x.Start < takeOver.End)) is { } later)
                violations.Add($"take-over not refused: {takeOver}, after {later}");
        }

        // Every occurrence or trigger a leader asked for and was not refused ends up claimed by someone.
        foreach (var call in log.Where(c => c.Fenced is null && c.Failure is null && c.Command.Kind != StoreCommandKind.Trigger))
        {
            if (call.Command.Kind is StoreCommandKind.Claim or StoreCommandKind.Resolve)
            {
                foreach (var slot in call.Command.Slots.Where(s => !occurrenceRuns.Any(r => (r.Job, r.ScheduledAt) == StoreProgramRun.OccurrenceOf(s))))
                    violations.Add($"{StoreCommand.SlotName(slot)} asked for by a leader that was not refused is claimed by nobody: {call}");
            }
            if (call is { Command.Kind: StoreCommandKind.ClaimTrigger, NoRun: false }
                && rows.SingleOrDefault(r => r.Id == call.RunId) is { ClaimedBy: null })
                violations.Add($"trigger asked for by a leader that was not refused is claimed by nobody: {call}");
        }

        // Every finished run has exactly one outcome: its resolution's or the first one recorded for its call.
        var resolved = log.Where(c => c.Command.Kind == StoreCommandKind.Resolve)
            .SelectMany(c => (c.Claimed ?? []).Select(claim => (claim.RunId, c.Command)))
            .ToDictionary(r => r.RunId, r => (RunOutcome?)StoreCommand.ResolveOutcomes[r.Command.Number % StoreCommand.ResolveOutcomes.Length]);
        var completions = Wins(log, StoreCommandKind.Complete).ToLookup(c => c.RunId!.Value);
        foreach (var row in rows)
        {
            List<RunOutcome?> recorded =
            [
                .. completions[row.Id].Select(c => (RunOutcome?)StoreCommand.CompleteOutcomes[c.Command.Number % StoreCommand.CompleteOutcomes.Length]),
                .. resolved.TryGetValue(row.Id, out var outcome) ? [outcome] : Array.Empty<RunOutcome?>(),
            ];
            if (recorded.Count > 1)
                violations.Add($"run {row.Id} was told its outcome was recorded {recorded.Count} times: {string.Join(", ", recorded)}");
            else if (row.Outcome != recorded.SingleOrDefault())
                violations.Add($"run {row.Id} stored outcome {row.Outcome?.ToString() ?? "none"}, recorded {string.Join(", ", recorded)}");
        }
        return violations;
    }

    private static IEnumerable<LoggedCall> Wins(IReadOnlyList<LoggedCall> log, StoreCommandKind kind) =>
        log.Where(c => c.Command.Kind == kind && c.Won);
}
