using JobLog.Model;

namespace JobLog.Node;

/// <summary>What folding a batch did: the events now part of the schedule, and those that arrived ahead of a gap.</summary>
public sealed record FoldOutcome(IReadOnlyList<RecordedEvent> Applied, IReadOnlyList<RecordedEvent> Gaps);
