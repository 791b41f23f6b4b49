using JobLog.Model;

namespace JobLog.Store;

public abstract record AppendOutcome;

public sealed record Appended(RecordedEvent Recorded) : AppendOutcome;

/// <summary>The stream was not at the expected version; nothing was written.</summary>
public sealed record VersionConflict(long ActualVersion) : AppendOutcome;
