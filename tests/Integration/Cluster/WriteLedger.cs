using System.Collections.Concurrent;

namespace JobLog.Integration.Cluster;

/// <summary>What the test's clients were told: every acknowledged write, and how many writes ended without an answer.</summary>
public sealed class WriteLedger
{
    private readonly ConcurrentQueue<AcknowledgedWrite> _acknowledged = new();
    private int _unanswered;
    private int _refused;

    public IReadOnlyList<AcknowledgedWrite> Acknowledged => [.. _acknowledged];

    public int AcknowledgedCount => _acknowledged.Count;

    /// <summary>Writes that failed without a verdict (connection lost, 5xx): committed or not, nobody was told it succeeded.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Writes refused with a 4xx (a stale version lost a race): nothing was committed.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void Acknowledge(string job, long version, string eventType) => _acknowledged.Enqueue(new AcknowledgedWrite(job, version, eventType));

    public void Unanswer() => Interlocked.Increment(ref _unanswered);

    public void Refuse() => Interlocked.Increment(ref _refused);

    public override string ToString() => $"{AcknowledgedCount} acknowledged, {Refused} refused, {Unanswered} unanswered";
}
