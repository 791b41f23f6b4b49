namespace JobLog.Properties.Cron;

/// <summary>A cron expression of the documented grammar, with the values each of its fields stands for.</summary>
public sealed record ValidCron(IReadOnlyList<CronPart> Fields, string Separator)
{
    public string Text => string.Join(Separator, Fields.Select(f => f.Text));

    public override string ToString() => $"'{Text}'";
}
