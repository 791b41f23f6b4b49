namespace JobLog.Model;

/// <summary>The pure transition of one job by one recorded event. No clock, I/O or randomness.</summary>
public static class JobEvolution
{
    /// <summary>
    /// Applies <paramref name="recorded"/> to <paramref name="state"/> (null before the job exists).
    /// The caller has already checked that the event is the next one of the stream.
    /// Unknown event types advance the version and change nothing else, so a node that does not know
    /// a newer event still agrees with the others on the version.
    /// </summary>
    public static JobState? Evolve(JobState? state, RecordedEvent recorded)
    {
        var at = recorded.Timestamp;
        var version = recorded.Version;
        if (state is null)
        {
            return recorded.Event is JobAdded added
                ? new JobState(added.Job, added.Definition, added.Enabled, JobStatus.Active, version, at, at)
                : null;
        }

        return recorded.Event switch
        {
            JobUpdated u => state with { Definition = u.Definition, Version = version, UpdatedAt = at },
            JobPaused => state with { Enabled = false, Version = version, UpdatedAt = at },
            JobResumed => state with { Enabled = true, Version = version, UpdatedAt = at },
            JobDeleted => state with { Status = JobStatus.Deleted, Version = version, UpdatedAt = at },
            JobRestored => state with { Status = JobStatus.Active, Version = version, UpdatedAt = at },
            _ => state with { Version = version },
        };
    }

    /// <summary>Rebuilds one job from its stream's events, in order.</summary>
    public static JobState? Replay(IEnumerable<RecordedEvent> stream)
    {
        JobState? state = null;
        foreach (var recorded in stream)
        {
            var expected = (state?.Version ?? 0) + 1;
            if (recorded.Version != expected)
                throw new InvalidOperationException(
                    $"Stream of job {recorded.Job} jumps from version {expected - 1} to {recorded.Version}.");
            state = Evolve(state, recorded);
        }
        return state;
    }
}
