using System.Text;
using JobLog.Cluster;
using JobLog.Store;

namespace JobLog.Properties.Store;

/// <summary>
/// Events and znodes written before definitions had a dispatch policy, as stored JSON literals of that shape: every
/// reader gives them the default policy, and so does the fold.
/// </summary>
public sealed class OldEventShapeTests
{
    // A JobAdded exactly as Marten wrote it before policies (jsonb gives the keys back ordered by length).
    private const string AddedBeforePolicies = """
        {"by": {"node": "node-1", "actor": "alice", "reason": null}, "job": "nightly", "enabled": true, "definition": {"cron": "0 3 * * *", "name": "Nightly report", "target": {"url": "https://example.test/hook", "body": null, "method": "POST", "headers": {"X-Token": "t"}, "timeoutSeconds": 30}, "timeZone": "Europe/Berlin"}}
        """;

    private const string UpdatedBeforePolicies = """
        {"job":"nightly","definition":{"name":"Nightly report","cron":"30 2 * * *","timeZone":"UTC","target":{"url":"https://example.test/hook","method":"PUT","body":"{}","timeoutSeconds":60,"headers":{}}},"by":{"actor":"bob","node":"node-2","reason":null}}
        """;

    // A job's znode as the mirror wrote it before policies: the event and the state after it.
    private const string ZnodeBeforePolicies = """
        {"type":"JobAdded","job":"nightly","version":1,"sequence":42,"timestamp":"2026-11-20T10:00:00+00:00","event":{"job":"nightly","definition":{"name":"Nightly report","cron":"0 3 * * *","timeZone":"Europe/Berlin","target":{"url":"https://example.test/hook","method":"POST","body":null,"timeoutSeconds":30,"headers":{"X-Token":"t"}}},"enabled":true,"by":{"actor":"alice","node":"node-1","reason":null}},"state":{"id":"nightly","definition":{"name":"Nightly report","cron":"0 3 * * *","timeZone":"Europe/Berlin","target":{"url":"https://example.test/hook","method":"POST","body":null,"timeoutSeconds":30,"headers":{"X-Token":"t"}}},"enabled":true,"status":"active","version":1,"createdAt":"2026-11-20T10:00:00+00:00","updatedAt":"2026-11-20T10:00:00+00:00","isDue":true}}
        """;

    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_job_added_before_policies_reads_with_the_default_policy_in_both_readers_and_folds_to_it()
    {
        var ours = Assert.IsType<JobAdded>(EventJson.TryRead(typeof(JobAdded), Encoding.UTF8.GetBytes(AddedBeforePolicies)));
        var theirs = MartenJson.Read<JobAdded>(AddedBeforePolicies);

        Assert.Equal(DispatchPolicy.Default, ours.Definition.Policy);
        Assert.Equal(theirs, ours);
        Assert.Equal("Europe/Berlin", ours.Definition.TimeZone);
        var state = Schedule.Empty.Apply(new RecordedEvent(ours, 1, 1, At)).Schedule.Find(ours.Job);
        Assert.Equal(DispatchPolicy.Default, state?.Definition.Policy);
    }

    [Fact]
    public void A_job_updated_before_policies_reads_with_the_default_policy_and_sets_it_on_a_job_that_had_another()
    {
        var ours = Assert.IsType<JobUpdated>(EventJson.TryRead(typeof(JobUpdated), Encoding.UTF8.GetBytes(UpdatedBeforePolicies)));
        Assert.Equal(MartenJson.Read<JobUpdated>(UpdatedBeforePolicies), ours);
        var added = MartenJson.Read<JobAdded>(AddedBeforePolicies);
        var withPolicy = added with
        {
            Definition = added.Definition with { Policy = new DispatchPolicy(MisfirePolicy.Skip, 0, ConcurrencyPolicy.Allow, new RetryPolicy(1, 0, 0)) },
        };

        var state = JobEvolution.Replay([new RecordedEvent(withPolicy, 1, 1, At), new RecordedEvent(ours, 2, 2, At.AddMinutes(1))]);

        Assert.Equal(DispatchPolicy.Default, state?.Definition.Policy);
        Assert.Equal("30 2 * * *", state?.Definition.Cron);
    }

    [Fact]
    public void A_znode_written_before_policies_decodes_to_its_event_with_the_default_policy()
    {
        var decoded = JobZnode.TryDecode(JobId.Parse("nightly"), Encoding.UTF8.GetBytes(ZnodeBeforePolicies));

        var added = Assert.IsType<JobAdded>(decoded?.Event);
        Assert.Equal(DispatchPolicy.Default, added.Definition.Policy);
        Assert.Equal(MartenJson.Read<JobAdded>(AddedBeforePolicies), added);
    }

    [Fact]
    public void A_stored_null_policy_reads_as_the_default_policy_never_as_null()
    {
        var json = AddedBeforePolicies.Replace("\"timeZone\": \"Europe/Berlin\"}", "\"timeZone\": \"Europe/Berlin\", \"policy\": null}", StringComparison.Ordinal);
        Assert.Contains("\"policy\": null", json, StringComparison.Ordinal);

        Assert.Equal(DispatchPolicy.Default, MartenJson.Read<JobAdded>(json).Definition.Policy);
    }
}
