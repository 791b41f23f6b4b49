namespace JobLog.Properties;

/// <summary>
/// An update that sends the job's read-only fields back is decided like a bare update when they are the job's own
/// values, and is rejected naming exactly the fields it changed otherwise, with no event.
/// </summary>
public sealed class ReadOnlyFieldProperties
{
    [Property(MaxTest = 500, Arbitrary = [typeof(JobArbitraries)])]
    public Property Read_only_fields_sent_back_unchanged_decide_like_a_bare_update_and_changed_ones_are_named(ReadOnlyEcho echo)
    {
        var verdict = new Verdict();
        var job = echo.State;
        var definition = job.Definition with { Name = job.Definition.Name + " (edited)" };
        var by = new Provenance("alice", "node-a", null);
        var bare = JobDecider.Decide(job, new UpdateJob(echo.Job, definition, by));

        var decision = JobDecider.Decide(job, new UpdateJob(echo.Job, definition, by) { ReadOnly = echo.Sent });

        if (echo.ChangedFields.Count == 0)
        {
            verdict.Expect(SameOutcome(bare, decision), () => $"{echo}: decided {decision}, a bare update {bare}");
        }
        else
        {
            verdict.Expect(decision is Rejected { Kind: RejectionKind.ReadOnlyField }, () => $"{echo}: decided {decision}");
            var named = (decision as Rejected)?.Fields.Select(f => f.Field).ToList() ?? [];
            verdict.Expect(named.SequenceEqual(echo.ChangedFields), () => $"{echo}: named [{string.Join(", ", named)}]");
            verdict.Expect((decision as Rejected)?.Fields.All(f => !string.IsNullOrWhiteSpace(f.Message)) == true,
                () => $"{echo}: a field without a message");
        }
        return verdict.ToProperty();
    }

    private static bool SameOutcome(Decision expected, Decision actual) => (expected, actual) switch
    {
        (Accepted a, Accepted b) => a.Event.Equals(b.Event),
        (Rejected a, Rejected b) => a.Kind == b.Kind,
        _ => false,
    };
}
