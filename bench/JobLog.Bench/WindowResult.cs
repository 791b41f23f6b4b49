namespace JobLog.Bench;

/// <summary>What one scheduler did with the occurrences due in one measured window.</summary>
/// <param name="Expected">Occurrences due in the window.</param>
/// <param name="Delivered">Of those, how many arrived at least once.</param>
/// <param name="Duplicates">Arrivals beyond the first of an occurrence (same job and scheduled instant).</param>
/// <param name="Unexpected">Arrivals for an instant the job is not scheduled at (would be a scheduling bug).</param>
/// <param name="Lateness">First arrival − scheduled instant per delivered occurrence, in ms.</param>
/// <param name="BurstRates">
/// Per scheduled instant: how fast its occurrences arrived once they began, (arrivals − 1) ÷ seconds from the first to
/// the last; apart from lateness, which says when they began.
/// </param>
public sealed record WindowResult(
    int Expected,
    int Delivered,
    int Duplicates,
    int Unexpected,
    IReadOnlyList<double> Lateness,
    IReadOnlyList<double> BurstRates)
{
    public int Missed => Expected - Delivered;

    /// <summary>
    /// Reads the window [<paramref name="from"/>, <paramref name="to"/>) out of every delivery so far: arrivals whose
    /// scheduled instant lies inside it, of the workload's jobs.
    /// </summary>
    public static WindowResult Of(IReadOnlyList<Delivery> deliveries, DispatchWorkload workload, DateTimeOffset from, DateTimeOffset to)
    {
        var expected = workload.Expected(from, to);
        var first = new Dictionary<(string, DateTimeOffset), DateTimeOffset>();
        int duplicates = 0, unexpected = 0;
        foreach (var delivery in deliveries)
        {
            if (delivery.Occurrence < from || delivery.Occurrence >= to)
                continue;
            var key = (delivery.Job, delivery.Occurrence);
            if (!expected.Contains(key))
            {
                unexpected++;
                continue;
            }
            if (first.TryGetValue(key, out var earlier))
            {
                duplicates++;
                if (delivery.ReceivedAt < earlier)
                    first[key] = delivery.ReceivedAt;
            }
            else
            {
                first[key] = delivery.ReceivedAt;
            }
        }
        var lateness = first.Select(f => (f.Value - f.Key.Item2).TotalMilliseconds).ToList();
        var bursts = first
            .GroupBy(f => f.Key.Item2)
            .Select(g => (Count: g.Count(), Seconds: (g.Max(f => f.Value) - g.Min(f => f.Value)).TotalSeconds))
            .Where(b => b.Count > 1 && b.Seconds > 0)
            .Select(b => (b.Count - 1) / b.Seconds)
            .ToList();
        return new WindowResult(expected.Count, first.Count, duplicates, unexpected, lateness, bursts);
    }

    /// <summary>How many of the window's occurrences have arrived so far (cheap enough to poll).</summary>
    public static int CountDelivered(IReadOnlyList<Delivery> deliveries, DispatchWorkload workload, DateTimeOffset from, DateTimeOffset to) =>
        deliveries.Where(d => d.Occurrence >= from && d.Occurrence < to)
            .Select(d => (d.Job, d.Occurrence))
            .Distinct()
            .Count();
}
