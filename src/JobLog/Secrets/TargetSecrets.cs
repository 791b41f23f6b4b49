using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using JobLog.Model;

namespace JobLog.Secrets;

/// <summary>
/// Turns a target's secret header values into their stored form before an event carries them, and back just before a
/// call is sent. Which values are secret is <see cref="SecretHeaders"/>'s decision.
/// </summary>
public static class TargetSecrets
{
    /// <summary>
    /// The target as an event stores it: each secret value encrypted; <see cref="SecretValue.Redacted"/> for a secret
    /// header keeps the value <paramref name="stored"/> holds for it (encrypted now if an old event kept it in clear). The
    /// redacted form is refused for a header with no stored secret value, and for a header that is no longer secret (its
    /// value must then be given).
    /// </summary>
    public static async Task<SealedTarget> SealAsync(
        WebhookTarget incoming, WebhookTarget? stored, ISecretVault vault, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var headers = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in incoming.Headers)
        {
            var field = $"target.headers.{name}";
            var kept = StoredSecret(stored, name);
            if (incoming.IsSecret(name))
            {
                if (value != SecretValue.Redacted)
                    headers[name] = await vault.SealAsync(value, cancellationToken);
                else if (kept is null)
                    errors.Add(new(field, $"is \"{SecretValue.Redacted}\", the redacted form, but the job has no stored value for this header to keep; send the value itself."));
                else
                    headers[name] = SecretValue.IsSealed(kept) ? kept : await vault.SealAsync(kept, cancellationToken);
            }
            else if (value == SecretValue.Redacted && kept is not null)
            {
                errors.Add(new(field, $"is \"{SecretValue.Redacted}\", the redacted form of a secret value, but the header is no longer secret; send its value to keep it in clear."));
            }
            else
            {
                headers[name] = value;
            }
        }
        return errors.Count > 0
            ? new SealedTarget(null, errors)
            : new SealedTarget(incoming with { Headers = headers.ToImmutable() }, []);
    }

    /// <summary>
    /// The target with its secret values in clear, as the call sends them; false, naming the header, when one cannot be
    /// decrypted with this cluster's key ring. Values stored in clear by old events are sent as they are.
    /// </summary>
    public static bool TryReveal(
        WebhookTarget target, ISecretVault vault, [NotNullWhen(true)] out WebhookTarget? revealed, [NotNullWhen(false)] out string? unreadable)
    {
        revealed = null;
        unreadable = null;
        var headers = target.Headers.ToBuilder();
        foreach (var (name, value) in target.Headers)
        {
            if (!target.IsSecret(name) || !SecretValue.IsSealed(value))
                continue;
            if (!vault.TryOpen(value, out var clear))
            {
                unreadable = name;
                return false;
            }
            headers[name] = clear;
        }
        revealed = target with { Headers = headers.ToImmutable() };
        return true;
    }

    /// <summary>The value <paramref name="stored"/> keeps for <paramref name="name"/> (ignoring case) when it is secret there.</summary>
    private static string? StoredSecret(WebhookTarget? stored, string name)
    {
        if (stored is null)
            return null;
        foreach (var (storedName, value) in stored.Headers)
        {
            if (string.Equals(storedName, name, StringComparison.OrdinalIgnoreCase))
                return stored.IsSecret(storedName) ? value : null;
        }
        return null;
    }
}
