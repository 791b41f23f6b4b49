using System.Text.Json;
using Xunit;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// The occurrences of one job that fell between two dispatch terms, read from its run records alone. A term is a
/// <c>claimedBy</c> (node and epoch, compared whole); what a term recorded in its take-over carries the take-over's instant
/// as <c>claimedAt</c>, what it claimed as things came due carries a later one. Between the last occurrence one term
/// claimed as due and the first the next one did lie runs the dying term claimed but never began, adopted by the next
/// (<see cref="Adopted"/>), then the occurrences nobody dispatched (<see cref="Missed"/>), which the next term's
/// take-over handled by the job's misfire policy.
/// </summary>
public sealed record LeaderGap(string Before, string After, DateTimeOffset TakenOverAt, IReadOnlyList<JsonElement> Adopted, IReadOnlyList<JsonElement> Missed)
{
    public DateTimeOffset First => ScheduledAt(Missed[0]);

    public DateTimeOffset Last => ScheduledAt(Missed[^1]);

    public override string ToString() =>
        $"{Before} -> {After} (take-over at {TakenOverAt:O}): {Missed.Count} missed from {First:O} to {Last:O}, {Adopted.Count} adopted";

    public static DateTimeOffset ScheduledAt(JsonElement run) => run.GetProperty("scheduledAt").GetDateTimeOffset();

    public static string TermOf(JsonElement run) =>
        run.GetProperty("claimedBy") is { ValueKind: JsonValueKind.Object } claimedBy ? claimedBy.GetRawText() : "(unclaimed)";

    public static string Kind(JsonElement run) => run.GetProperty("kind").GetString()!;

    public static string? Outcome(JsonElement run) => run.GetProperty("outcome").GetString();

    /// <summary>Recorded by a take-over for an occurrence nobody dispatched: a catch-up run or a misfire.</summary>
    public static bool IsMissed(JsonElement run) => Kind(run) == "catchUp" || Outcome(run) == "misfired";

    /// <summary>
    /// Every change of term in <paramref name="runs"/> (one job's, any order), checking on the way that a term leaves no
    /// hole while it dispatches, that what lies between two terms was recorded by the later one's take-over, and that
    /// missed occurrences lie nowhere else.
    /// </summary>
    public static IReadOnlyList<LeaderGap> Find(string job, IReadOnlyList<JsonElement> runs)
    {
        var ordered = runs.Where(r => Kind(r) != "manual").OrderBy(ScheduledAt).ToList();
        // All a take-over records is stamped with the one instant it took over at.
        var takeOvers = ordered.Where(IsMissed).GroupBy(TermOf).ToDictionary(g => g.Key, g => g.Min(r => r.GetProperty("claimedAt").GetDateTimeOffset()));
        bool ByTakeOver(JsonElement run) =>
            takeOvers.TryGetValue(TermOf(run), out var at) && run.GetProperty("claimedAt").GetDateTimeOffset() == at;

        var claimedAsDue = ordered.Select((run, index) => (run, index)).Where(r => !ByTakeOver(r.run)).ToList();
        var gaps = new List<LeaderGap>();
        foreach (var (earlier, later) in claimedAsDue.Zip(claimedAsDue.Skip(1)))
        {
            var between = ordered.Skip(earlier.index + 1).Take(later.index - earlier.index - 1).ToList();
            var before = TermOf(earlier.run);
            var after = TermOf(later.run);
            var context = $"{job}: between {ScheduledAt(earlier.run):O} ({before}) and {ScheduledAt(later.run):O} ({after})";
            if (before == after)
            {
                Assert.True(between.Count == 0, $"{context}, one term, lie runs it did not claim as due: {string.Join(", ", between)}");
                continue;
            }
            Assert.True(takeOvers.TryGetValue(after, out var takenOverAt),
                $"{context}: the later term took over without recording a missed occurrence");
            var strangers = between.Where(r => TermOf(r) != after || !ByTakeOver(r)).ToList();
            Assert.True(strangers.Count == 0, $"{context}: runs not recorded by the later term's take-over: {string.Join(", ", strangers)}");
            var adopted = between.TakeWhile(r => !IsMissed(r)).ToList();
            var missed = between.Skip(adopted.Count).ToList();
            Assert.True(missed.Count > 0 && missed.All(IsMissed),
                $"{context}: expected runs adopted from the earlier term, then missed occurrences; got {string.Join(", ", between)}");
            gaps.Add(new LeaderGap(before, after, takenOverAt, adopted, missed));
        }
        var inGaps = gaps.SelectMany(g => g.Missed).Select(r => r.GetProperty("id").GetRawText()).ToHashSet();
        var outside = ordered.Where(r => IsMissed(r) && !inGaps.Contains(r.GetProperty("id").GetRawText())).ToList();
        Assert.True(outside.Count == 0, $"{job}: missed occurrences outside any change of term: {string.Join(", ", outside)}");
        return gaps;
    }
}
