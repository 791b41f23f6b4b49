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

    private readonly CrontabSchedule _cron;
    private readonly TimeZoneInfo _zone;

    private CronTiming(CrontabSchedule cron, TimeZoneInfo zone)
    {
        _cron = cron;
        _zone = zone;
    }

    public static bool TryCreate(
        string cron, string timeZone, [NotNullWhen(true)] out CronTiming? timing, [NotNullWhen(false)] out FieldError? error)
    {
        timing = null;
        if (!TryParseCron(cron, out var schedule, out var cronError))
        {
            error = new FieldError("cron", cronError);
            return false;
        }
        if (!TryFindZone(timeZone, out var zone))
        {
            error = new FieldError("timeZone", $"'{timeZone}' is not a known IANA time zone.");
            return false;
        }
        timing = new CronTiming(schedule, zone);
        error = null;
        return true;
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
            if (_zone.IsInvalidTime(next))
                continue;
            var offset = _zone.IsAmbiguousTime(next) ? _zone.GetAmbiguousTimeOffsets(next).Max() : _zone.GetUtcOffset(next);
            var instant = new DateTimeOffset(next, offset);
            if (instant > after)
                yield return instant;
        }
    }

    private static bool TryParseCron(string text, [NotNullWhen(true)] out CrontabSchedule? schedule, out string error)
    {
        schedule = null;
        var fields = text.Split(' ', '\t').Count(part => part.Length > 0);
        if (fields is not (5 or 6))
        {
            error = $"must have 5 fields (minute hour day month weekday) or 6 with seconds first; found {fields}.";
            return false;
        }
        schedule = CrontabSchedule.TryParse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        error = schedule is null ? $"'{text}' is not a valid cron expression." : "";
        return schedule is not null;
    }

    private static bool TryFindZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        // Only IANA names are part of the contract; Windows names would make stored jobs platform-dependent.
        zone = null;
        return !string.IsNullOrWhiteSpace(id)
            && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone)
            && zone.HasIanaId;
    }
}
