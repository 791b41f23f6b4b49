namespace JobLog.Properties.Cron;

/// <summary>Any text, mostly made of cron's own characters so that it gets deep into the checks.</summary>
public sealed record CronText(string Text)
{
    public override string ToString() =>
        "\"" + string.Concat(Text.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}")) + "\"";
}
