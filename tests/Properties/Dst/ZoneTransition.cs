namespace JobLog.Properties.Dst;

/// <summary>A change of a zone's UTC offset at an instant, as the zone's TZif file states it.</summary>
public sealed record ZoneTransition(string Zone, DateTimeOffset At, TimeSpan Before, TimeSpan After)
{
    public TimeSpan Shift => After - Before;

    public override string ToString() =>
        $"{Zone} at {At:yyyy-MM-ddTHH:mm:ssZ}: UTC{Format(Before)} -> UTC{Format(After)} " +
        $"(local {At.ToOffset(Before):yyyy-MM-dd HH:mm:ss} becomes {At.ToOffset(After):HH:mm:ss})";

    public static string Format(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm\:ss");
}
