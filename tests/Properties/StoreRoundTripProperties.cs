using JobLog.Properties.Store;

namespace JobLog.Properties;

public sealed class StoreRoundTripProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Events_read_back_from_json_fold_to_the_same_bytes_and_equal_jobs(History history)
    {
        // A node that decided the events folds them as built; the others fold what the store's JSON gives back.
        var verdict = new Verdict();
        var readBack = history.Events.Select(e => e with { Event = RoundTrip(e.Event) }).ToList();
        var local = Schedule.Fold(history.Events);
        var remote = Schedule.Fold(readBack);
        verdict.SameBytes(local, remote, "fold of the events as decided vs as read back from JSON");
        verdict.Expect(local.Jobs.SequenceEqual(remote.Jobs), () => "jobs read back from JSON are not equal to the decided ones");
        return verdict.ToProperty();
    }

    private static IJobEvent RoundTrip(IJobEvent e) => e switch
    {
        JobAdded a => a with { Definition = RoundTrip(a.Definition) },
        JobUpdated u => u with { Definition = RoundTrip(u.Definition) },
        _ => e,
    };

    // Through Marten's serializer as the store configures it: the JSON the events really have.
    private static JobDefinition RoundTrip(JobDefinition definition) =>
        MartenJson.Read<JobDefinition>(MartenJson.Serializer.ToJson(definition));
}
