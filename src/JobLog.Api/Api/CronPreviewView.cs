namespace JobLog.Api.Api;

/// <param name="TimeZone">The zone as the catalog names it (a job saved with this zone shows this name).</param>
/// <param name="Next">The fire times as instants with their offset in that zone; empty when the expression never matches.</param>
public sealed record CronPreviewView(string Cron, string TimeZone, IReadOnlyList<DateTimeOffset> Next);
