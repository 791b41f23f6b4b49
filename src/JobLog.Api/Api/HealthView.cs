namespace JobLog.Api.Api;

public sealed record HealthView(string Status, string Node, int Jobs, long TailSequence, DateTimeOffset? LastSyncAt);
