namespace JobLog.Model;

/// <summary>What folding one event into a <see cref="Schedule"/> did.</summary>
public enum ApplyOutcome
{
    /// <summary>The event was the next of its stream and is now part of the schedule.</summary>
    Applied,

    /// <summary>The event's version is at or below the job's current version: already applied, nothing changed.</summary>
    AlreadyApplied,

    /// <summary>The event is newer than the next expected one: events are missing and must be read from the store.</summary>
    Gap,
}
