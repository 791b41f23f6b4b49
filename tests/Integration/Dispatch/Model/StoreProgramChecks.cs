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
        var live = program.Leaders[program.Live];
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
                violations.Add($"run {run.Key} called by {string.Join(" and ", callers.Select(c => $"{c.Node}@{c.Epoch}"))}");
        }

        // Adoption takes only a run that never began a call and has no outcome.
        foreach (var adopt in Wins(log, StoreCommandKind.Adopt))
        {
            if (log.FirstOrDefault(c => c.Command.Kind is StoreCommandKind.Begin or StoreCommandKind.Complete
                                        && c.Won && c.RunId == adopt.RunId && c.End < adopt.Start) is { } earlier)
                violations.Add($"adopted after {earlier}: {adopt}");
        }

        // No write of an epoch below the fence succeeds once the take-over that raised it has returned.
        var takeOvers = Wins(log, StoreCommandKind.TakeOver).ToList();
        foreach (var write in log.Where(c => FencedWrites.Contains(c.Command.Kind) && !c.NoRun && c.Fenced is null && c.Failure is null))
        {
            if (takeOvers.FirstOrDefault(t => t.Caller.Epoch > write.Caller.Epoch && t.End < write.Start) is { } before)
                violations.Add($"not refused: {write}, after {before}");
        }
        foreach (var refused in log.Where(c => c.Fenced is not null))
        {
            var (epoch, fence) = (refused.Fenced!.Epoch, refused.Fenced.Fence);
            if (epoch != refused.Caller.Epoch || fence <= epoch
                || !takeOvers.Any(t => t.Caller.Epoch == fence && t.Start < refused.End))
                violations.Add($"refusal names epochs {epoch} < {fence} that no take-over explains: {refused}");
        }

        // The live leader is never fenced, and every occurrence or trigger it asks for ends up claimed by someone.
        foreach (var call in log.Where(c => c.Caller == live && c.Command.Kind != StoreCommandKind.Trigger))
        {
            if (call.Fenced is not null)
                violations.Add($"live leader fenced: {call}");
            if (call.Command.Kind is StoreCommandKind.Claim or StoreCommandKind.Resolve)
            {
                foreach (var slot in call.Command.Slots.Where(s => !occurrenceRuns.Any(r => (r.Job, r.ScheduledAt) == StoreProgramRun.OccurrenceOf(s))))
                    violations.Add($"{StoreCommand.SlotName(slot)} asked for by the live leader is claimed by nobody: {call}");
            }
            if (call is { Command.Kind: StoreCommandKind.ClaimTrigger, NoRun: false }
                && rows.SingleOrDefault(r => r.Id == call.RunId) is { ClaimedBy: null })
                violations.Add($"trigger asked for by the live leader is claimed by nobody: {call}");
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
