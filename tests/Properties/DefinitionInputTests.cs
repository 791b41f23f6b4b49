using System.Collections.Immutable;

namespace JobLog.Properties;

public sealed class DefinitionInputTests
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

    private static List<string> Fields(JobDefinition definition) =>
        JobDefinitionRules.Validate(definition).Select(e => e.Field).ToList();

    private static JobDefinition WithUrl(string url) => Valid with { Target = Valid.Target with { Url = url } };

    private static JobDefinition WithHeader(string value) =>
        Valid with { Target = Valid.Target with { Headers = Valid.Target.Headers.SetItem("X-Job", value) } };

    private static JobDefinition WithBody(string body) => Valid with { Target = Valid.Target with { Body = body } };

    [Theory]
    [InlineData(" https://example.com/")]
    [InlineData("https://example.com/ ")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/a\tb")]
    [InlineData("https://exa\nmple.com/")]
    [InlineData("https://example.com/\r\n")]
    [InlineData("https://example.com/\r\nHost: evil")]
    [InlineData("https://example.com/a\u0001")]
    [InlineData("https://example.com/a\u007f")]
    [InlineData("https://example.com/a\u0085")]
    [InlineData("https://example.com/\u00a0")]
    [InlineData("https://example.com/\u2028")]
    [InlineData("https://example.com/\u200b")]
    [InlineData("https://bücher.example/")]
    public void A_url_with_whitespace_control_or_non_ASCII_characters_is_refused_not_trimmed(string url) =>
        Assert.Equal(["target.url"], Fields(WithUrl(url)));

    [Theory]
    [InlineData("https://example.com/a%20b?q=1&r=%C3%BC#frag")]
    [InlineData("http://10.0.0.7:8080/jobs/cleanup")]
    [InlineData("https://xn--bcher-kva.example/")]
    public void A_url_of_visible_ASCII_is_accepted(string url) => Assert.Empty(Fields(WithUrl(url)));

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a\u001fb")]
    [InlineData("a\u007fb")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\u0085b")]
    [InlineData("bücher")]
    [InlineData("a\u2028b")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("\tleading")]
    [InlineData("trailing\t")]
    [InlineData(" ")]
    public void A_header_value_with_a_control_character_non_ASCII_or_surrounding_whitespace_is_refused(string value) =>
        Assert.Equal(["target.headers.X-Job"], Fields(WithHeader(value)));

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("Bearer abc.DEF-123_~+/=")]
    [InlineData("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")]
    public void A_header_value_of_visible_ASCII_with_inner_spaces_and_tabs_is_accepted(string value) =>
        Assert.Empty(Fields(WithHeader(value)));

    [Theory]
    [InlineData("line one\r\nline two\n\tindented")]
    [InlineData("form\ffeed and \u001b[0m escape and \u0001")]
    [InlineData("emoji \ud83d\ude00 and ü")]
    public void A_body_keeps_every_character_but_NUL_and_unpaired_surrogates(string body) => Assert.Empty(Fields(WithBody(body)));

    [Fact]
    public void A_body_with_NUL_or_an_unpaired_surrogate_is_refused()
    {
        // Built here, not as theory data: xunit's serialization of theory data would repair the lone surrogates.
        string[] bodies = ["{\"a\":\"\0\"}", "\ud800", "tail \udc00", "reversed \ude00\ud83d", "pair then lone \ud83d\ude00\ud83d"];
        Assert.All(bodies, body => Assert.Equal(["target.body"], Fields(WithBody(body))));
    }

    [Fact]
    public void A_name_with_a_surrogate_pair_is_accepted_and_with_a_lone_one_refused()
    {
        Assert.Empty(Fields(Valid with { Name = "Rapport \ud83d\ude00" }));
        Assert.Equal(["name"], Fields(Valid with { Name = "Rapport \ud83d" }));
    }

    [Fact]
    public void A_bad_cron_and_a_bad_time_zone_are_both_reported()
    {
        var fields = Fields(Valid with { Cron = "*/0 * * * *", TimeZone = "Factory" });

        Assert.Equal(["cron", "timeZone"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Cron_and_time_zone_faults_are_both_reported_by_the_timing_too()
    {
        Assert.False(CronTiming.TryCreate("61 * * * *", "Mars/Olympus_Mons", out _, out var errors));

        Assert.Equal(["cron", "timeZone"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Factory")]
    [InlineData("posixrules")]
    [InlineData("localtime")]
    [InlineData("posix/Europe/Berlin")]
    [InlineData("right/UTC")]
    [InlineData("zone.tab")]
    [InlineData("tzdata.zi")]
    [InlineData("Europe//Berlin")]
    public void A_pseudo_zone_or_a_file_that_is_no_zone_is_refused_on_the_timeZone_field(string zone) =>
        Assert.Equal(["timeZone"], Fields(Valid with { TimeZone = zone }));

    [Theory]
    [InlineData("america/sao_paulo")]
    [InlineData("Europe/berlin")]
    [InlineData("utc")]
    [InlineData("ETC/UTC")]
    public void A_zone_id_in_another_case_is_accepted(string zone) => Assert.Empty(Fields(Valid with { TimeZone = zone }));
}
