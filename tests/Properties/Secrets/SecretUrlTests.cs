using System.Collections.Immutable;
using JobLog.Secrets;
using JobLog.Testing;

namespace JobLog.Properties.Secrets;

/// <summary>
/// Secret query values of a target URL: stored sealed in place, shown as <c>***</c> with a fingerprint (the URL still a
/// URL), kept by <c>***</c>, revealed only for the call; userinfo refused, and dropped by the repair of old events.
/// </summary>
public sealed class SecretUrlTests
{
    private static readonly ISecretVault Vault = SecretVaults.Shared;

    private static WebhookTarget Target(string url, params (string Name, string Value)[] headers) => new(
        url, "POST", headers.ToImmutableSortedDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal), null, 30);

    private static async Task<WebhookTarget> SealAsync(string url, WebhookTarget? stored = null)
    {
        var result = await TargetSecrets.SealAsync(Target(url), stored, Vault, CancellationToken.None);
        Assert.True(result.Target is not null, string.Join("; ", result.Errors));
        return result.Target;
    }

    // Pieces of URLs: '@', '?', '#', '&', '=' and '%' where parsers trip, and secret names among the plain ones.
    private static readonly Gen<string> UrlTexts =
        from parts in Gen.ArrayOf(Gen.Elements(
            "https://", "http://", "h", "host.example", ":8443", "/", "p", "@", "u:p", "?", "#", "&", "=", "token", "code",
            "X", "%40", "%3D", "enc:v1:ab:cd", "***", "Api_Key", "v"))
        select string.Concat(parts);

    [Property(MaxTest = 500)]
    public Property Taking_any_text_apart_as_a_URL_and_putting_it_together_gives_it_back_exactly() =>
        Prop.ForAll(Arb.From(UrlTexts), text => TargetUrl.Parse(text).Compose() == text);

    public static TheoryData<string, string> SecretQueries => new()
    {
        { "https://h.example/run?token=t0k&x=1", "https://h.example/run?token=***&x=1" },
        { "https://h.example/run?x=1&Api_Key=k3y&code=c0de#frag", "https://h.example/run?x=1&Api_Key=***&code=***#frag" },
        { "https://h.example/run?access%5Ftoken=a%2Bb&sig=s1g&signature=", "https://h.example/run?access%5Ftoken=***&sig=***&signature=" },
        { "https://h.example/run?password=one&password=two&plain", "https://h.example/run?password=***&password=***&plain" },
    };

    [Theory]
    [MemberData(nameof(SecretQueries))]
    public async Task Secret_query_values_are_stored_sealed_shown_as_stars_in_a_valid_URL_and_revealed_for_the_call(string given, string shown)
    {
        var stored = await SealAsync(given);
        var view = RedactedUrl.Of(stored.Url);

        Assert.Equal(shown, view.Url);
        Assert.True(Uri.TryCreate(view.Url, UriKind.Absolute, out _));
        Assert.True(Uri.TryCreate(stored.Url, UriKind.Absolute, out _));
        Assert.Equal(shown.Split("***").Length - 1, view.Fingerprints.Count);
        Assert.Empty(ClearSecrets.In(stored));
        Assert.True(TargetSecrets.TryReveal(stored, Vault, out var revealed, out _));
        Assert.Equal(given, revealed.Url);
    }

    [Fact]
    public async Task The_view_sent_back_keeps_each_stored_value_byte_for_byte_and_a_new_value_replaces_only_its_own()
    {
        var stored = await SealAsync("https://h.example/run?token=one&token=two&code=c");
        var view = RedactedUrl.Of(stored.Url);

        var kept = await SealAsync(view.Url, stored);
        var changed = await SealAsync("https://h.example/run?token=***&token=three&code=***", stored);

        Assert.Equal(stored.Url, kept.Url);
        Assert.Equal(["code", "token", "token[2]"], view.Fingerprints.Keys);
        var changedView = RedactedUrl.Of(changed.Url).Fingerprints;
        Assert.Equal((view.Fingerprints["token"], view.Fingerprints["code"]), (changedView["token"], changedView["code"]));
        Assert.NotEqual(view.Fingerprints["token[2]"], changedView["token[2]"]);
        Assert.True(TargetSecrets.TryReveal(changed, Vault, out var revealed, out _));
        Assert.Equal("https://h.example/run?token=one&token=three&code=c", revealed.Url);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://h.example/run?x=1")]
    [InlineData("https://h.example/run?token=one")]
    public async Task Stars_for_a_query_value_with_nothing_stored_to_keep_are_refused_naming_the_url(string? storedUrl)
    {
        var stored = storedUrl is null ? null : await SealAsync(storedUrl);

        var result = await TargetSecrets.SealAsync(Target("https://h.example/run?token=one&token=***"), stored, Vault, CancellationToken.None);

        Assert.Null(result.Target);
        var error = Assert.Single(result.Errors);
        Assert.Equal("target.url", error.Field);
        Assert.Contains("token[2]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:pa55@h.example/run")]
    [InlineData("https://t0ken@h.example/run")]
    [InlineData("http://u%40x:p@h.example:8080/run?x=1")]
    public void A_URL_with_credentials_is_refused_naming_the_url_and_pointing_at_an_authorization_header(string url)
    {
        var definition = new JobDefinition("n", "* * * * *", "UTC", Target(url));

        var error = Assert.Single(JobDefinitionRules.Validate(definition));

        Assert.Equal("target.url", error.Field);
        Assert.Contains("Authorization header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_repair_of_a_target_stored_in_clear_seals_every_secret_keeps_stored_forms_and_drops_the_userinfo()
    {
        var alreadySealed = await Vault.SealAsync("Bearer sealed-before", CancellationToken.None);
        var legacy = Target("https://user:pa55@h.example/run?token=t0k&x=1",
            ("Authorization", alreadySealed), ("X-Api-Key", "k3y"), ("X-Trace", "t"));

        Assert.Equal(["header X-Api-Key", "URL userinfo", "URL query parameter token"], ClearSecrets.In(legacy));
        var repaired = await TargetSecrets.SealStoredAsync(legacy, Vault, CancellationToken.None);

        Assert.Empty(ClearSecrets.In(repaired));
        Assert.Equal(alreadySealed, repaired.Headers["Authorization"]);
        Assert.Equal("t", repaired.Headers["X-Trace"]);
        Assert.True(TargetSecrets.TryReveal(repaired, Vault, out var revealed, out _));
        Assert.Equal("https://h.example/run?token=t0k&x=1", revealed.Url);
        Assert.Equal("k3y", revealed.Headers["X-Api-Key"]);
        Assert.Equal("https://***@h.example/run?token=***&x=1", RedactedUrl.Of(legacy.Url).Url);
    }

    [Fact]
    public void Sealing_is_decided_for_jobs_holding_a_secret_in_clear_deleted_ones_too_and_refused_for_the_others()
    {
        var by = new Provenance(SealSecrets.Actor, "n1", "r");
        var clear = new JobDefinition("n", "* * * * *", "UTC", Target("https://h.example/run?token=t0k"));
        var deleted = new JobState(JobId.Parse("j"), clear, true, JobStatus.Deleted, 3, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var accepted = Assert.IsType<Accepted>(JobDecider.Decide(deleted, new SealSecrets(deleted.Id, by)));
        var sealedState = JobEvolution.Evolve(deleted, new RecordedEvent(accepted.Event, 4, 10, DateTimeOffset.UnixEpoch))!;
        var plain = deleted with { Definition = clear with { Target = Target("https://h.example/run?x=1") } };

        Assert.Equal(new JobUpdated(deleted.Id, clear, by), accepted.Event);
        Assert.Equal(JobStatus.Deleted, sealedState.Status);
        Assert.Equal(RejectionKind.InvalidTransition, Assert.IsType<Rejected>(JobDecider.Decide(plain, new SealSecrets(deleted.Id, by))).Kind);
    }
}
