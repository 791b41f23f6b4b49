namespace JobLog.Bench;

/// <summary>How each Quartz peer is tuned for the bench.</summary>
/// <param name="Threads">Jobs one peer runs at once: 64, as JobLog's default bound on concurrent calls.</param>
/// <param name="BatchSize">Triggers one acquisition takes (Quartz caps it at the free threads).</param>
public sealed record QuartzPeerTuning(int Threads, int BatchSize)
{
    public static readonly QuartzPeerTuning Bench = new(64, 64);
}
