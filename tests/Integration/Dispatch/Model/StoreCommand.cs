using JobLog.Dispatch;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// One call of a would-be leader. Runs are named by slot, not id, so a command stays meaningful when the program around
/// it shrinks: slots 0..3 are the occurrences (job slot/2 at minute slot%2), slots 8 and up the triggers in the order
/// they were requested. A command whose run does not exist (yet) does nothing.
/// </summary>
/// <param name="Slots">Claim and Resolve: the occurrences of the batch (repeats allowed); other commands: one run.</param>
/// <param name="Number">Begin: the attempt; Claim: even scheduled, odd catch-up; Resolve and Complete: the outcome; Trigger: the job.</param>
public sealed record StoreCommand(StoreCommandKind Kind, int Leader, IReadOnlyList<int> Slots, int Number)
{
    public const int Occurrences = 4;

    public static readonly RunOutcome[] CompleteOutcomes = [RunOutcome.Succeeded, RunOutcome.Failed, RunOutcome.TimedOut];

    public static readonly RunOutcome[] ResolveOutcomes = [RunOutcome.Skipped, RunOutcome.Misfired];

    public int Slot => Slots[0];

    public override string ToString()
    {
        var who = $"L{Leader}";
        return Kind switch
        {
            StoreCommandKind.TakeOver => $"{who} take-over",
            StoreCommandKind.Claim => $"{who} claim {(Number % 2 == 0 ? "scheduled" : "catch-up")} [{string.Join(" ", Slots.Select(SlotName))}]",
            StoreCommandKind.Resolve => $"{who} resolve {ResolveOutcomes[Number % ResolveOutcomes.Length]} [{string.Join(" ", Slots.Select(SlotName))}]",
            StoreCommandKind.Begin => $"{who} begin {SlotName(Slot)} attempt {Number}",
            StoreCommandKind.Complete => $"{who} complete {SlotName(Slot)} {CompleteOutcomes[Number % CompleteOutcomes.Length]}",
            StoreCommandKind.Adopt => $"{who} adopt {SlotName(Slot)}",
            StoreCommandKind.Trigger => $"trigger job{Number % 2}",
            StoreCommandKind.ClaimTrigger => $"{who} claim {SlotName(Slot)}",
            _ => Kind.ToString(),
        };
    }

    public static string SlotName(int slot) =>
        slot < Occurrences ? $"j{slot / 2}@{slot % 2}" : $"trigger#{slot - Occurrences}";
}
