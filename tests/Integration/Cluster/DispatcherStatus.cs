namespace JobLog.Integration.Cluster;

/// <summary>The <c>dispatcher</c> member of <c>GET /cluster</c>: present on the leader only.</summary>
public sealed record DispatcherStatus(bool Dispatching, long Epoch, int DueQueueLength, int InFlight, double? LastLatenessMs, string? Incarnation = null);
