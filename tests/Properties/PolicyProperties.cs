using System.Text;
using JobLog.Cluster;
using JobLog.Node;
using JobLog.Properties.Store;
using JobLog.Store;

namespace JobLog.Properties;

/// <summary>
/// A job's dispatch policy is part of its definition everywhere a definition goes: the rules, the events' JSON (Marten's
/// serializer and the store's own reader), the znode, record equality, the canonical bytes and the digest.
/// </summary>
public sealed class PolicyProperties
{
    private static readonly JobId Job = JobId.Parse("policy-job");
    private static readonly Provenance By = new("alice", "node-1", null);
    private static readonly DateTimeOffset At = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 2000, Arbitrary = [typeof(JobArbitraries)])]
    public Property The_rules_refuse_a_policy_in_exactly_the_fields_outside_their_ranges_once_each(JobDefinition valid, PolicyCandidate candidate)
    {
        var policy = candidate.Policy;
        var retry = policy.Retry;
        var expected = new List<string>();
        if (!Enum.IsDefined(policy.Misfire))
            expected.Add("policy.misfire");
        if (policy.CatchUpWindowSeconds is < 0 or > 604_800)
            expected.Add("policy.catchUpWindowSeconds");
        if (!Enum.IsDefined(policy.Concurrency))
            expected.Add("policy.concurrency");
        if (retry.Attempts is < 1 or > 10)
            expected.Add("policy.retry.attempts");
        var backoffValid = retry.BackoffSeconds is >= 0 and <= 3600;
        if (!backoffValid)
            expected.Add("policy.retry.backoffSeconds");
        if (retry.MaxBackoffSeconds > 86_400 || retry.MaxBackoffSeconds < (backoffValid ? retry.BackoffSeconds : 0))
            expected.Add("policy.retry.maxBackoffSeconds");

        var errors = JobDefinitionRules.Validate(valid with { Policy = policy });
        var fields = errors.Select(e => e.Field).Order(StringComparer.Ordinal).ToList();
        return fields.SequenceEqual(expected.Order(StringComparer.Ordinal))
            .Label($"expected [{string.Join(", ", expected)}] but got: {string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))}");
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property A_definition_comes_back_equal_with_its_policy_from_the_event_json_and_from_the_znode(JobDefinition definition)
    {
        var verdict = new Verdict();
        foreach (IJobEvent written in new IJobEvent[] { new JobAdded(Job, definition, true, By), new JobUpdated(Job, definition, By) })
        {
            var type = written.GetType();
            var json = MartenJson.Serializer.ToJson(written);
            foreach (var (order, text) in new[] { ("as written", json), ("as jsonb keeps it", EventJsonTests.AsJsonb(json)) })
            {
                var ours = EventJson.TryRead(type, Encoding.UTF8.GetBytes(text));
                var theirs = MartenJson.Serializer.FromJson(type, new MemoryStream(Encoding.UTF8.GetBytes(text)));
                verdict.Expect(Equals(ours, written), () => $"{type.Name} {order}: the store's reader gives {ours} for {text}");
                verdict.Expect(Equals(theirs, written), () => $"{type.Name} {order}: Marten gives {theirs} for {text}");
            }

            var state = JobEvolution.Replay([new RecordedEvent(new JobAdded(Job, definition, true, By), 1, 1, At)])!;
            var znode = JobZnode.Encode(new RecordedEvent(written, 1, 7, At), state);
            var decoded = JobZnode.TryDecode(Job, znode)?.Event;
            verdict.Expect(Equals(decoded, written), () => $"{type.Name} from its znode: {decoded} for {Encoding.UTF8.GetString(znode)}");
        }
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Definitions_differing_only_in_policy_differ_in_equality_canonical_bytes_and_digest(
        JobDefinition definition, DispatchPolicy other)
    {
        var verdict = new Verdict();
        var changed = definition with { Policy = other };
        // The same policy built again from its parts: equality and bytes must not depend on which instance it is.
        var rebuilt = definition with
        {
            Policy = new DispatchPolicy(
                definition.Policy.Misfire,
                definition.Policy.CatchUpWindowSeconds,
                definition.Policy.Concurrency,
                new RetryPolicy(definition.Policy.Retry.Attempts, definition.Policy.Retry.BackoffSeconds, definition.Policy.Retry.MaxBackoffSeconds)),
        };
        var same = definition.Policy == other;

        var original = ScheduleOf(definition);
        verdict.Expect(rebuilt == definition && rebuilt.GetHashCode() == definition.GetHashCode(), () => "a policy built again from its parts is not equal");
        verdict.SameBytes(original, ScheduleOf(rebuilt), "the definition with its policy built again from its parts");
        verdict.Expect(ScheduleDigest.Of(original) == ScheduleDigest.Of(ScheduleOf(rebuilt)), () => "digest differs for a policy built again");

        var bytesEqual = ScheduleSerializer.ToCanonicalJson(original).AsSpan().SequenceEqual(ScheduleSerializer.ToCanonicalJson(ScheduleOf(changed)));
        verdict.Expect((changed == definition) == same, () => $"equality of definitions with policies {definition.Policy} and {other} is {changed == definition}");
        verdict.Expect(bytesEqual == same, () => $"canonical bytes {(bytesEqual ? "equal" : "differ")} for policies {definition.Policy} and {other}");
        verdict.Expect((ScheduleDigest.Of(original) == ScheduleDigest.Of(ScheduleOf(changed))) == same,
            () => $"digests do not tell policies {definition.Policy} and {other} apart as equality does");
        return verdict.ToProperty();
    }

    private static Schedule ScheduleOf(JobDefinition definition) =>
        Schedule.Empty.Apply(new RecordedEvent(new JobAdded(Job, definition, true, By), 1, 1, At)).Schedule;
}
