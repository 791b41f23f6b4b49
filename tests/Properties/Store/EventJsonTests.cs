using System.Text;
using System.Text.Json.Nodes;
using JobLog.Store;
using Marten;

namespace JobLog.Properties.Store;

/// <summary>
/// The store's own event reader agrees with Marten's serializer on every event Marten writes, in any key order
/// (jsonb keeps keys sorted by length), and leaves everything else to Marten's serializer.
/// </summary>
public sealed class EventJsonTests
{
    private static readonly ISerializer Marten = MartenJson.Serializer;

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Every_event_marten_writes_reads_back_as_marten_reads_it_in_any_key_order(StoredEvent stored)
    {
        var verdict = new Verdict();
        var type = stored.Event.GetType();
        var written = Marten.ToJson(stored.Event);
        foreach (var (order, json) in new[] { ("as written", written), ("as jsonb keeps it", AsJsonb(written)) })
        {
            var ours = EventJson.TryRead(type, Encoding.UTF8.GetBytes(json));
            var theirs = Marten.FromJson(type, new MemoryStream(Encoding.UTF8.GetBytes(json)));
            verdict.Expect(ours is not null, () => $"{order}: not read: {json}");
            verdict.Expect(Equals(ours, theirs), () => $"{order}: {ours} but Marten reads {theirs}");
            verdict.Expect(Equals(ours, stored.Event), () => $"{order}: {ours} but {stored.Event} was written");
        }
        return verdict.ToProperty();
    }

    [Theory]
    [InlineData("an unknown property", """{"job":"a","by":{"actor":"x","node":"n","reason":null},"later":1}""")]
    [InlineData("a missing job", """{"by":{"actor":"x","node":"n","reason":null}}""")]
    [InlineData("a missing reason", """{"job":"a","by":{"actor":"x","node":"n"}}""")]
    [InlineData("a null provenance", """{"job":"a","by":null}""")]
    [InlineData("an invalid job id", """{"job":"A B","by":{"actor":"x","node":"n","reason":null}}""")]
    [InlineData("a number for a string", """{"job":"a","by":{"actor":1,"node":"n","reason":null}}""")]
    [InlineData("a definition on a pause", """{"job":"a","definition":{},"by":{"actor":"x","node":"n","reason":null}}""")]
    [InlineData("text after the object", """{"job":"a","by":{"actor":"x","node":"n","reason":null}} {}""")]
    [InlineData("not JSON", """{"job":"a",""")]
    public void A_pause_with_anything_but_its_exact_shape_is_left_to_martens_serializer(string what, string json) =>
        Assert.True(EventJson.TryRead(typeof(JobPaused), Encoding.UTF8.GetBytes(json)) is null, what);

    [Theory]
    [InlineData("a timeout beyond int", "2147483648")]
    [InlineData("a fractional timeout", "30.5")]
    [InlineData("a timeout in quotes", "\"30\"")]
    public void A_definition_with_a_timeout_that_is_not_an_int_is_left_to_martens_serializer(string what, string timeout)
    {
        var json = """
                   {"job":"a","enabled":true,"by":{"actor":"x","node":"n","reason":null},
                    "definition":{"name":"n","cron":"0 3 * * *","timeZone":"UTC",
                     "target":{"url":"https://e.test","method":"POST","headers":{},"body":null,"timeoutSeconds":TIMEOUT}}}
                   """;

        Assert.True(EventJson.TryRead(typeof(JobAdded), Encoding.UTF8.GetBytes(json.Replace("TIMEOUT", timeout))) is null, what);
        Assert.NotNull(EventJson.TryRead(typeof(JobAdded), Encoding.UTF8.GetBytes(json.Replace("TIMEOUT", "30"))));
    }

    [Theory]
    [InlineData("a misfire in another case", """{"misfire":"FireOnce","catchUpWindowSeconds":3600,"concurrency":"forbid","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("a misfire as a number", """{"misfire":0,"catchUpWindowSeconds":3600,"concurrency":"forbid","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("an unknown concurrency", """{"misfire":"skip","catchUpWindowSeconds":3600,"concurrency":"never","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("a window in quotes", """{"misfire":"skip","catchUpWindowSeconds":"3600","concurrency":"allow","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("a missing window", """{"misfire":"skip","concurrency":"allow","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("a missing retry member", """{"misfire":"skip","catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":3,"backoffSeconds":1}}""")]
    [InlineData("an unknown policy member", """{"misfire":"skip","catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60},"later":1}""")]
    [InlineData("attempts beyond int", """{"misfire":"skip","catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":2147483648,"backoffSeconds":1,"maxBackoffSeconds":60}}""")]
    [InlineData("a null retry", """{"misfire":"skip","catchUpWindowSeconds":0,"concurrency":"allow","retry":null}""")]
    [InlineData("a null policy", "null")]
    public void A_definition_with_a_policy_not_exactly_as_written_is_left_to_martens_serializer(string what, string policy)
    {
        var json = """
                   {"job":"a","by":{"actor":"x","node":"n","reason":null},
                    "definition":{"name":"n","cron":"0 3 * * *","timeZone":"UTC",
                     "target":{"url":"https://e.test","method":"POST","headers":{},"body":null,"timeoutSeconds":30},"policy":POLICY}}
                   """;
        var exact = """{"misfire":"skip","catchUpWindowSeconds":0,"concurrency":"allow","retry":{"attempts":3,"backoffSeconds":1,"maxBackoffSeconds":60}}""";

        Assert.True(EventJson.TryRead(typeof(JobUpdated), Encoding.UTF8.GetBytes(json.Replace("POLICY", policy))) is null, what);
        var read = EventJson.TryRead(typeof(JobUpdated), Encoding.UTF8.GetBytes(json.Replace("POLICY", exact)));
        Assert.Equal(new DispatchPolicy(MisfirePolicy.Skip, 0, ConcurrencyPolicy.Allow, RetryPolicy.Default), Assert.IsType<JobUpdated>(read).Definition.Policy);
    }

    /// <summary>The JSON as PostgreSQL's jsonb gives it back: keys of every object ordered by length, then bytes.</summary>
    public static string AsJsonb(string json) => Sorted(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o
            .OrderBy(p => Encoding.UTF8.GetByteCount(p.Key))
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))),
        _ => node?.DeepClone(),
    };
}
