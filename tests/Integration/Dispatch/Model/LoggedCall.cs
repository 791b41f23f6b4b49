using JobLog.Dispatch;

namespace JobLog.Integration.Dispatch.Model;

/// <summary>
/// One command as it ran: <see cref="Start"/> and <see cref="End"/> on a logical clock shared by all calls of the
/// program (taken before the call and after its answer), and what the store answered.
/// </summary>
/// <param name="NoRun">The command named a run that did not exist; nothing was asked.</param>
/// <param name="Won">The write took effect (take-over done, attempt begun, outcome recorded, run adopted or claimed).</param>
/// <param name="Claimed">Claim and Resolve: the occurrences the caller was given, with their run ids.</param>
/// <param name="RunId">The run a single-run command addressed (or created, for a trigger).</param>
public sealed record LoggedCall(
    int Step,
    StoreCommand Command,
    WouldBeLeader Caller,
    long Start,
    long End,
    bool NoRun = false,
    bool Won = false,
    IReadOnlyList<(int Slot, long RunId)>? Claimed = null,
    long? RunId = null,
    FencedException? Fenced = null,
    Exception? Failure = null)
{
    public override string ToString()
    {
        var answer = this switch
        {
            { Failure: { } failure } => $"FAILED {failure.GetType().Name}: {failure.Message}",
            { Fenced: { } fenced } => $"fenced (the fence held {fenced.Fence})",
            { NoRun: true } => "no such run",
            { Claimed: { } claimed } => $"got [{string.Join(" ", claimed.Select(c => $"{StoreCommand.SlotName(c.Slot)}=run {c.RunId}"))}]",
            _ => (Won ? "yes" : "no") + (RunId is { } id ? $" (run {id})" : ""),
        };
        return $"step {Step + 1} [{Start}..{End}] {Command} as {Caller}: {answer}";
    }
}
