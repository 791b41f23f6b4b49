using NCrontab;

namespace JobLog.Properties.Cron;

/// <summary>One cron field as the documentation states it: its name in error messages, range and value names.</summary>
public sealed record CronFieldSpec(string Name, CrontabFieldKind Kind, int Min, int Max, IReadOnlyList<string>? Names)
{
    public static readonly CronFieldSpec Second = new("second", CrontabFieldKind.Second, 0, 59, null);
    public static readonly CronFieldSpec Minute = new("minute", CrontabFieldKind.Minute, 0, 59, null);
    public static readonly CronFieldSpec Hour = new("hour", CrontabFieldKind.Hour, 0, 23, null);
    public static readonly CronFieldSpec DayOfMonth = new("day-of-month", CrontabFieldKind.Day, 1, 31, null);

    public static readonly CronFieldSpec Month = new("month", CrontabFieldKind.Month, 1, 12,
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);

    public static readonly CronFieldSpec DayOfWeek = new("day-of-week", CrontabFieldKind.DayOfWeek, 0, 6,
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]);

    public static readonly IReadOnlyList<CronFieldSpec> Five = [Minute, Hour, DayOfMonth, Month, DayOfWeek];
    public static readonly IReadOnlyList<CronFieldSpec> Six = [Second, Minute, Hour, DayOfMonth, Month, DayOfWeek];

    public override string ToString() => Name;
}
