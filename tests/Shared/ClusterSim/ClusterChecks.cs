using JobLog.Model;
using JobLog.Node;
using JobLog.Store;

namespace JobLog.Testing.ClusterSim;

/// <summary>The properties every cluster run must end with, checked against the store, the truth.</summary>
public static class ClusterChecks
{
    /// <summary>
    /// Checks the live nodes' schedules against the fold of every stream in the store, the acknowledged writes against
    /// the store and the schedules, and adds what the observers of the run (applied order, leadership) saw.
    /// </summary>
    public static async Task CheckAsync(
        ClusterVerdict verdict,
        IJobEventStore store,
        IReadOnlyCollection<(string Node, Schedule Schedule)> live,
        IReadOnlyCollection<Acknowledged> acknowledged,
        IEnumerable<AppliedOrder> orders,
        LeadershipLog leadership,
        CancellationToken cancellationToken)
    {
        var versions = await store.StreamVersionsAsync(cancellationToken);
        var jobs = versions.Keys.OrderBy(j => j.Value, StringComparer.Ordinal).ToList();
        var streams = await store.ReadStreamsAsync(jobs, cancellationToken);
        var expected = Schedule.Fold(streams);
        var expectedBytes = ScheduleSerializer.ToCanonicalJson(expected);
        var expectedDigest = ScheduleDigest.Of(expected);

        foreach (var (node, schedule) in live)
        {
            if (ScheduleDigest.Of(schedule) == expectedDigest && ScheduleSerializer.ToCanonicalJson(schedule).AsSpan().SequenceEqual(expectedBytes))
                continue;
            var differences = expected.Jobs.Select(j => j.Id).Union(schedule.Jobs.Select(j => j.Id))
                .Where(id => !Equals(expected.Find(id), schedule.Find(id)))
                .Select(id => $"job {id} at version {schedule.VersionOf(id)}, the store at {expected.VersionOf(id)}");
            verdict.Add(ClusterVerdict.Converged, $"{node} differs from the store's fold: {string.Join("; ", differences)}");
        }

        var byJob = streams.ToLookup(e => e.Job);
        foreach (var ack in acknowledged)
        {
            var recorded = ack.Recorded;
            var stored = byJob[recorded.Job].FirstOrDefault(e => e.Version == recorded.Version);
            if (stored is null || stored.Sequence != recorded.Sequence || !Equals(stored.Event, recorded.Event))
                verdict.Add(ClusterVerdict.Acknowledged, $"{ack.Operation}: told {recorded.Job} v{recorded.Version} (#{recorded.Sequence}); the store has {(stored is null ? "no such version" : $"#{stored.Sequence} {stored.Event}")}");
            foreach (var (node, schedule) in live)
            {
                if (schedule.VersionOf(recorded.Job) < recorded.Version)
                    verdict.Add(ClusterVerdict.Acknowledged, $"{ack.Operation}: {node} holds {recorded.Job} at version {schedule.VersionOf(recorded.Job)}, before the acknowledged {recorded.Version}");
            }
        }

        foreach (var order in orders)
            verdict.AddAll(ClusterVerdict.InOrder, order.Violations);
        verdict.AddAll(ClusterVerdict.Leadership, leadership.Violations);
    }
}
