namespace JobLog.Api.Api;

/// <summary>The leader's dispatcher in <c>/cluster</c>: null on a node that does not lead.</summary>
/// <param name="LastLatenessMs">How late the last delivery began after its scheduled instant, in milliseconds; null before the first.</param>
/// <param name="Incarnation">The incarnation of the election the dispatcher leads in (<c>alone-…</c> for a node without ZooKeeper).</param>
public sealed record DispatcherView(bool Dispatching, long? Epoch, int DueQueueLength, int InFlight, double? LastLatenessMs, string? Incarnation);
