using System.Diagnostics.CodeAnalysis;
using NCrontab;

namespace JobLog.Model;

/// <summary>
/// A parsed cron expression in its time zone, turning local wall-clock matches into instants the way cron
/// users expect across daylight-saving changes: a local time that does not exist is skipped, and a local
/// time that occurs twice fires once, at its first occurrence.
/// </summary>
public sealed class CronTiming
{
    // A schedule that matches nothing (e.g. 30 February) must not make the search run forever.
    private static readonly TimeSpan SearchHorizon = TimeSpan.FromDays(366 * 10);

    // The instants that can show a local time lie between it minus the largest offset of the zone database (UTC+14)
    // and it minus the smallest (UTC-12).
    private static readonly TimeSpan EarliestShift = TimeSpan.FromHours(14);
    private static readonly TimeSpan LatestShift = TimeSpan.FromHours(-12);

    private readonly CrontabSchedule _cron;
    private readonly TimeZoneInfo _zone;

    private CronTiming(CrontabSchedule cron, TimeZoneInfo zone)
    {
        _cron = cron;
        _zone = zone;
    }

    /// <summary>
    /// The timing of a new definition: the cron text must follow <see cref="CronSyntax"/> and the zone must be in
    /// the <see cref="ZoneCatalog"/> (in any case). Every fault is reported, each on its field.
    /// </summary>
    public static bool TryCreate(
        string cron, string timeZone, [NotNullWhen(true)] out CronTiming? timing, out IReadOnlyList<FieldError> errors)
    {
        timing = null;
        var found = new List<FieldError>();
        found.AddRange(CronSyntax.Problems(cron).Select(problem => new FieldError("cron", problem)));
        if (!ZoneCatalog.TryFind(timeZone, out var zone))
            found.Add(UnknownZone(timeZone));

        CrontabSchedule? schedule = null;
        if (found.Count == 0 && (schedule = Parse(cron, CronSyntax.HasSeconds(cron))) is null)
            found.Add(new FieldError("cron", "is not a valid cron expression."));
        errors = found;
        if (found.Count > 0)
            return false;
        timing = new CronTiming(schedule!, zone!);
        return true;
    }

    /// <summary>
    /// The timing of a definition already stored in an event, or null when it cannot fire. It reads what earlier
    /// versions accepted exactly as they did (so a stored <c>*/0</c> keeps firing every minute), and resolves
    /// the zone through the catalog in any case, so an event stored with <c>europe/berlin</c> fires the same
    /// on every node. It depends only on its arguments and the zone database, and never throws.
    /// </summary>
    public static CronTiming? ForStored(string cron, string timeZone)
    {
        if (!ZoneCatalog.TryFind(timeZone, out var zone))
            return null;
        // Earlier versions counted fields split at spaces and tabs, then let NCrontab parse.
        var fields = cron.Split(' ', '\t').Count(part => part.Length > 0);
        if (fields is not (5 or 6))
            return null;
        return Parse(cron, fields == 6) is { } schedule ? new CronTiming(schedule, zone) : null;
    }

    /// <summary>Occurrences strictly after <paramref name="after"/>, in order, as instants.</summary>
    public IEnumerable<DateTimeOffset> OccurrencesAfter(DateTimeOffset after)
    {
        var local = TimeZoneInfo.ConvertTime(after, _zone).DateTime;
        while (true)
        {
            // The horizon runs from the last match: a rare but real schedule (29 February) must not run out after ten years.
            var end = DateTime.MaxValue - local > SearchHorizon ? local + SearchHorizon : DateTime.MaxValue.AddDays(-1);
            var next = _cron.GetNextOccurrence(local, end);
            if (next >= end)
                yield break;
            local = next;
            if (FirstInstantShowing(next) is { } instant && instant > after)
                yield return instant;
        }
    }

    /// <summary>
    /// The first instant at which the zone's clocks show <paramref name="local"/>, or null when they never do (a
    /// spring-forward gap). Asked only from UTC: .NET's answers about a local time (IsInvalidTime, IsAmbiguousTime,
    /// GetUtcOffset of a local time) are wrong around many transitions of the zone database. Europe/Dublin's, whose
    /// daylight saving is negative, Morocco's, Turkey's and Russia's, among them: they skipped or doubled fires, and
    /// even went back in time, while the offset .NET gives for an instant is right.
    /// </summary>
    private DateTimeOffset? FirstInstantShowing(DateTime local)
    {
        // Transitions are days apart (a week at least from 2000 to 2040), so at most one falls within reach of a local
        // time: the offsets at both ends of the reach are all the candidates.
        var before = OffsetAt(local, EarliestShift);
        var after = OffsetAt(local, LatestShift);
        if (before == after)
            return new DateTimeOffset(local, before);
        foreach (var offset in new[] { before, after }.OrderDescending())
        {
            // The larger offset, when it holds at the instant it gives, is the earlier of two instants showing this time.
            if (OffsetAt(local, offset) == offset)
                return new DateTimeOffset(local, offset);
        }
        return null;
    }

    // The zone's offset at the instant local - shift, read as UTC.
    private TimeSpan OffsetAt(DateTime local, TimeSpan shift)
    {
        var ticks = Math.Clamp(local.Ticks - shift.Ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
        return _zone.GetUtcOffset(new DateTime(ticks, DateTimeKind.Utc));
    }

    internal static FieldError UnknownZone(string timeZone) =>
        new("timeZone", timeZone is { Length: > 0 and <= 64 } && timeZone.All(c => c is > ' ' and < '\u007f')
            ? $"'{timeZone}' is not a time zone of the IANA zone database (such as Europe/Berlin or UTC)."
            : "is not a time zone of the IANA zone database (such as Europe/Berlin or UTC).");

    private static CrontabSchedule? Parse(string cron, bool includingSeconds)
    {
        try
        {
            return CrontabSchedule.TryParse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = includingSeconds });
        }
        catch (Exception e) when (e is OverflowException or FormatException or ArgumentException or CrontabException)
        {
            // NCrontab 3.4 lets an overflowing number escape its TryParse; for a stored definition that means "cannot fire".
            return null;
        }
    }
}
