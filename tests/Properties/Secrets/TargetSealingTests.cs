using System.Collections.Immutable;
using JobLog.Secrets;
using JobLog.Testing;

namespace JobLog.Properties.Secrets;

/// <summary>How the command path stores secret header values and the sender gets them back.</summary>
public sealed class TargetSealingTests
{
    private static readonly ISecretVault Vault = SecretVaults.Shared;

    private static WebhookTarget Target(params (string Name, string Value)[] headers) => new(
        "https://hooks.example.com/run",
        "POST",
        headers.ToImmutableSortedDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal),
        null,
        30);

    private static async Task<WebhookTarget> SealAsync(WebhookTarget incoming, WebhookTarget? stored = null, ISecretVault? vault = null)
    {
        var result = await TargetSecrets.SealAsync(incoming, stored, vault ?? Vault, CancellationToken.None);
        Assert.True(result.Target is not null, string.Join("; ", result.Errors));
        return result.Target;
    }

    private static async Task<FieldError> RefusedAsync(WebhookTarget incoming, WebhookTarget? stored)
    {
        var result = await TargetSecrets.SealAsync(incoming, stored, Vault, CancellationToken.None);
        Assert.Null(result.Target);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public async Task Secret_values_are_stored_sealed_plain_ones_as_they_are_and_revealing_gives_back_the_clear_values()
    {
        var given = Target(("Authorization", "Bearer abc"), ("X-Custom", "c-value"), ("X-Trace", "t-1")) with
        {
            SecretHeaders = ["x-custom"],
        };

        var stored = await SealAsync(given);

        Assert.True(SecretValue.IsSealed(stored.Headers["Authorization"]));
        Assert.True(SecretValue.IsSealed(stored.Headers["X-Custom"]));
        Assert.Equal("t-1", stored.Headers["X-Trace"]);
        Assert.DoesNotContain("abc", string.Concat(stored.Headers.Values), StringComparison.Ordinal);
        Assert.True(TargetSecrets.TryReveal(stored, Vault, out var revealed, out _));
        Assert.Equal(given, revealed);
    }

    [Fact]
    public async Task The_redacted_value_keeps_the_stored_sealed_value_as_it_is_whatever_the_case_of_the_name()
    {
        var stored = await SealAsync(Target(("Authorization", "Bearer abc")));

        var kept = await SealAsync(Target(("authorization", SecretValue.Redacted)), stored);

        Assert.Equal(stored.Headers["Authorization"], kept.Headers["authorization"]);
    }

    [Fact]
    public async Task A_value_an_old_event_kept_in_clear_is_sealed_when_the_redacted_value_keeps_it()
    {
        var legacy = Target(("X-Api-Key", "k-123"));

        var kept = await SealAsync(Target(("X-Api-Key", SecretValue.Redacted)), legacy);

        Assert.True(SecretValue.IsSealed(kept.Headers["X-Api-Key"]));
        Assert.True(Vault.TryOpen(kept.Headers["X-Api-Key"], out var clear));
        Assert.Equal("k-123", clear);
    }

    [Theory]
    [InlineData("a new job")]
    [InlineData("a job without the header")]
    [InlineData("a job where the header was plain")]
    public async Task The_redacted_value_with_no_stored_secret_to_keep_is_refused_naming_the_header(string stored)
    {
        var incoming = Target(("X-Signature", SecretValue.Redacted)) with { SecretHeaders = ["X-Signature"] };
        var storedTarget = stored switch
        {
            "a job without the header" => Target(("X-Trace", "t")),
            "a job where the header was plain" => Target(("X-Signature", "plain")),
            _ => null,
        };

        var error = await RefusedAsync(incoming, storedTarget);

        Assert.Equal("target.headers.X-Signature", error.Field);
    }

    [Fact]
    public async Task The_redacted_value_for_a_header_that_is_no_longer_secret_is_refused_and_its_value_is_asked_for()
    {
        var stored = await SealAsync(Target(("X-Signature", "s3cr3t")) with { SecretHeaders = ["X-Signature"] });

        var error = await RefusedAsync(Target(("X-Signature", SecretValue.Redacted)), stored);

        Assert.Equal("target.headers.X-Signature", error.Field);
        Assert.Contains("no longer secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_value_shows_the_same_fingerprint_and_another_value_another()
    {
        var first = await SealAsync(Target(("Authorization", "Bearer one")));
        var again = await SealAsync(Target(("Authorization", "Bearer one")));
        var other = await SealAsync(Target(("Authorization", "Bearer two")));

        string Fingerprint(WebhookTarget t) => RedactedHeaders.Of(t).Fingerprints["Authorization"];

        Assert.NotEqual(first.Headers["Authorization"], again.Headers["Authorization"]);
        Assert.Equal(Fingerprint(first), Fingerprint(again));
        Assert.NotEqual(Fingerprint(first), Fingerprint(other));
    }

    [Fact]
    public async Task A_value_sealed_with_another_key_ring_is_not_revealed_and_the_header_is_named()
    {
        var foreign = await SealAsync(Target(("Authorization", "Bearer abc"), ("X-Trace", "t")), vault: SecretVaults.Ephemeral());

        Assert.False(TargetSecrets.TryReveal(foreign, Vault, out _, out var unreadable));
        Assert.Equal("header Authorization", unreadable);
    }
}
