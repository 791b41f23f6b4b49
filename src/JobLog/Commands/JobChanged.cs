using JobLog.Model;

namespace JobLog.Commands;

/// <summary>The event is committed; <paramref name="State"/> is the job after it.</summary>
public sealed record JobChanged(JobState State, RecordedEvent Recorded) : CommandResult;
