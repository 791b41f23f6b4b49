using System.Collections.Immutable;

namespace JobLog.Properties;

public sealed class ValidationTests
{
    private static readonly JobDefinition Valid = new(
        "nightly-report",
        "0 2 * * *",
        "Europe/Berlin",
        new WebhookTarget(
            "https://hooks.example.com/run",
            WebhookTarget.DefaultMethod,
            ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal).Add("X-Job", "1"),
            null,
            WebhookTarget.DefaultTimeoutSeconds));

    private static IEnumerable<string> FieldsAtFault(Func<WebhookTarget, WebhookTarget> change) =>
        JobDefinitionRules.Validate(Valid with { Target = change(Valid.Target) }).Select(e => e.Field);

    [Fact]
    public void A_complete_definition_has_no_errors() => Assert.Empty(JobDefinitionRules.Validate(Valid));

    [Theory]
    [InlineData("/hooks/run")]
    [InlineData("hooks/run")]
    [InlineData("ftp://files.example.com/run")]
    [InlineData("file:///etc/passwd")]
    public void A_relative_or_non_http_url_is_rejected(string url) =>
        Assert.Equal(["target.url"], FieldsAtFault(t => t with { Url = url }));

    [Theory]
    [InlineData("FETCH")]
    [InlineData("post")]
    [InlineData("")]
    public void A_method_outside_the_allowed_set_is_rejected(string method) =>
        Assert.Equal(["target.method"], FieldsAtFault(t => t with { Method = method }));

    [Fact]
    public void A_header_name_with_a_space_is_rejected() =>
        Assert.Equal(["target.headers.Bad Header"], FieldsAtFault(t => t with { Headers = t.Headers.Add("Bad Header", "x") }));

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void A_timeout_outside_1_to_300_seconds_is_rejected(int seconds) =>
        Assert.Equal(["target.timeoutSeconds"], FieldsAtFault(t => t with { TimeoutSeconds = seconds }));

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    public void A_timeout_at_the_limits_is_accepted(int seconds) =>
        Assert.Empty(FieldsAtFault(t => t with { TimeoutSeconds = seconds }));

    [Fact]
    public void An_invalid_cron_in_a_definition_is_reported_on_the_cron_field() =>
        Assert.Equal(["cron"], JobDefinitionRules.Validate(Valid with { Cron = "* * * *" }).Select(e => e.Field));

    [Theory]
    [InlineData("Job-1")]
    [InlineData("")]
    [InlineData("job 1")]
    public void A_job_id_with_uppercase_or_empty_or_a_space_is_rejected(string text) =>
        Assert.False(JobId.TryParse(text, out _, out _));

    [Theory]
    [InlineData("mt_tombstone")]
    [InlineData("mt_x")]
    public void A_job_id_in_the_event_stores_own_namespace_is_rejected(string text)
    {
        Assert.False(JobId.TryParse(text, out _, out var error));
        Assert.Contains("mt_", error);
    }

    [Fact]
    public void A_job_id_of_65_characters_is_rejected_and_of_64_accepted()
    {
        Assert.False(JobId.TryParse(new string('a', 65), out _, out var error));
        Assert.Contains("64", error);
        Assert.True(JobId.TryParse(new string('a', 64), out var id, out _));
        Assert.Equal(64, id.Value.Length);
    }
}
