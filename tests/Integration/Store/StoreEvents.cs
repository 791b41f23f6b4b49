using System.Collections.Immutable;
using JobLog.Model;

namespace JobLog.Integration.Store;

/// <summary>Events for the store tests: a fresh job id each, a small valid definition.</summary>
public static class StoreEvents
{
    public static readonly Provenance By = new("tester", "node-1", null);

    public static JobId NewJobId() => JobId.Parse($"job-{Guid.NewGuid():N}");

    public static JobAdded Added(JobId job, string name = "nightly report") => new(
        job,
        new JobDefinition(name, "0 3 * * *", "UTC",
            new WebhookTarget("https://example.test/hook", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30)),
        Enabled: true,
        By);
}
