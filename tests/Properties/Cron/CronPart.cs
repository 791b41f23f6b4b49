namespace JobLog.Properties.Cron;

/// <summary>The text of one cron field and the values it means, worked out by the generator that wrote it.</summary>
public sealed record CronPart(CronFieldSpec Field, string Text, IReadOnlySet<int> Values)
{
    public static CronPart Any(CronFieldSpec field) =>
        new(field, "*", Enumerable.Range(field.Min, field.Max - field.Min + 1).ToHashSet());
}
