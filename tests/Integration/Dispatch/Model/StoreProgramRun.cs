using System.Collections.Concurrent;
using JobLog.Dispatch;
using JobLog.Model;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>Runs a <see cref="StoreProgram"/> against a real run store and logs every call with what it answered.</summary>
public sealed class StoreProgramRun(IRunStore store, StoreProgram program)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);

    private static readonly JobId[] Jobs = [JobId.Parse("job0"), JobId.Parse("job1")];

    private readonly ConcurrentDictionary<int, long> _runs = new();
    private readonly ConcurrentQueue<LoggedCall> _log = new();
    private long _clock;
    private int _triggers;

    public IReadOnlyList<LoggedCall> Log => [.. _log.OrderBy(c => c.Start)];

    /// <summary>The occurrence each slot names.</summary>
    public static (JobId Job, DateTimeOffset At) OccurrenceOf(int slot) => (Jobs[slot / 2], T0.AddMinutes(slot % 2));

    public async Task RunAsync()
    {
        for (var i = 0; i < program.Steps.Count; i++)
        {
            var step = i;
            if (program.Steps[i] is [var single])
                await ExecuteAsync(step, single);
            else
                await Task.WhenAll(program.Steps[i].Select(c => Task.Run(() => ExecuteAsync(step, c))));
        }
    }

    private async Task ExecuteAsync(int step, StoreCommand command)
    {
        var caller = program.Leaders[command.Leader];
        var (node, leadership) = (caller.Node, caller.Leadership);
        var now = T0.AddHours(1);
        long? runId = command.Kind is StoreCommandKind.Begin or StoreCommandKind.Complete or StoreCommandKind.Adopt or StoreCommandKind.ClaimTrigger
            ? _runs.TryGetValue(command.Slot, out var known) ? known : null
            : null;
        var start = Interlocked.Increment(ref _clock);
        if (runId is null && command.Kind is StoreCommandKind.Begin or StoreCommandKind.Complete or StoreCommandKind.Adopt or StoreCommandKind.ClaimTrigger)
        {
            _log.Enqueue(new LoggedCall(step, command, caller, start, start, NoRun: true));
            return;
        }
        try
        {
            var call = command.Kind switch
            {
                StoreCommandKind.TakeOver => await Done(store.TakeOverAsync(node, leadership, CancellationToken.None)),
                StoreCommandKind.Claim => Claimed(await store.ClaimAsync(
                    Claims(command, command.Number % 2 == 0 ? RunKind.Scheduled : RunKind.CatchUp), node, leadership, now, CancellationToken.None)),
                StoreCommandKind.Resolve => Claimed(await store.ResolveWithoutCallAsync(
                    Claims(command, RunKind.Scheduled),
                    new RunCompletion(StoreCommand.ResolveOutcomes[command.Number % StoreCommand.ResolveOutcomes.Length], now, null, "resolved"),
                    node, leadership, CancellationToken.None)),
                StoreCommandKind.Begin => Answer(await store.BeginAttemptAsync(runId!.Value, command.Number, node, leadership, now, CancellationToken.None), runId),
                StoreCommandKind.Complete => Answer(await store.CompleteAsync(runId!.Value, new RunCompletion(
                    StoreCommand.CompleteOutcomes[command.Number % StoreCommand.CompleteOutcomes.Length], now, 200, null), CancellationToken.None), runId),
                StoreCommandKind.Adopt => Answer(await store.AdoptAsync(runId!.Value, node, leadership, now, CancellationToken.None) is not null, runId),
                StoreCommandKind.ClaimTrigger => Answer(await store.ClaimTriggerAsync(runId!.Value, node, leadership, now, CancellationToken.None) is not null, runId),
                StoreCommandKind.Trigger => await TriggerAsync(command),
                _ => throw new ArgumentOutOfRangeException(nameof(command)),
            };
            _log.Enqueue(call with { Step = step, Command = command, Caller = caller, Start = start, End = Interlocked.Increment(ref _clock) });
        }
        catch (FencedException fenced)
        {
            _log.Enqueue(new LoggedCall(step, command, caller, start, Interlocked.Increment(ref _clock), Fenced: fenced));
        }
        catch (Exception e)
        {
            _log.Enqueue(new LoggedCall(step, command, caller, start, Interlocked.Increment(ref _clock), Failure: e));
        }
    }

    // Triggers take the slots after the occurrences in the order their requests were answered.
    private async Task<LoggedCall> TriggerAsync(StoreCommand command)
    {
        var run = await store.RequestTriggerAsync(Jobs[command.Number % 2], 1, T0.AddHours(1), CancellationToken.None);
        _runs[StoreCommand.Occurrences + Interlocked.Increment(ref _triggers) - 1] = run.Id;
        return Answer(true, run.Id);
    }

    private static IReadOnlyList<OccurrenceClaim> Claims(StoreCommand command, RunKind kind) =>
        [.. command.Slots.Select(slot => OccurrenceOf(slot)).Select(o => new OccurrenceClaim(o.Job, 1, o.At, kind))];

    private LoggedCall Claimed(IReadOnlyList<ClaimResult> results)
    {
        var claimed = new List<(int, long)>();
        foreach (var result in results)
        {
            if (result.Run is not { } run)
                continue;
            var slot = Array.IndexOf(Jobs, run.Job) * 2 + (int)(run.ScheduledAt - T0).TotalMinutes;
            _runs[slot] = run.Id;
            claimed.Add((slot, run.Id));
        }
        return Blank with { Won = claimed.Count > 0, Claimed = claimed };
    }

    private static LoggedCall Answer(bool won, long? runId) => Blank with { Won = won, RunId = runId };

    private static async Task<LoggedCall> Done(Task call)
    {
        await call;
        return Blank with { Won = true };
    }

    private static LoggedCall Blank => new(0, null!, null!, 0, 0);
}
