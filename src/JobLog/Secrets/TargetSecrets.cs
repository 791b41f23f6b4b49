using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using JobLog.Model;

namespace JobLog.Secrets;

/// <summary>
/// Turns a target's secret values (headers and URL query values) into their stored form before an event carries them,
/// and back just before a call is sent. Which values are secret is <see cref="SecretHeaders"/>'s and
/// <see cref="SecretQuery"/>'s decision.
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
        var url = await SealUrlAsync(incoming.Url, stored?.Url, vault, errors, cancellationToken);
        return errors.Count > 0
            ? new SealedTarget(null, errors)
            : new SealedTarget(incoming with { Url = url, Headers = headers.ToImmutable() }, []);
    }

    /// <summary>
    /// The target a repair stores (<see cref="SealSecrets"/>): every secret value in clear encrypted, every stored form
    /// kept as it is, and a URL userinfo dropped: the sender's HTTP client never sent it (.NET sends no credentials from a
    /// URL), so dropping it changes no call, and a new one is refused at the API.
    /// </summary>
    public static async Task<WebhookTarget> SealStoredAsync(WebhookTarget stored, ISecretVault vault, CancellationToken cancellationToken)
    {
        var headers = stored.Headers.ToBuilder();
        foreach (var (name, value) in stored.Headers)
        {
            if (stored.IsSecret(name) && !SecretValue.IsSealed(value))
                headers[name] = await vault.SealAsync(value, cancellationToken);
        }
        var url = TargetUrl.Parse(stored.Url);
        var query = url.Query?.ToArray();
        foreach (var (index, parameter, _) in url.NumberedQuery())
        {
            if (SecretQuery.HoldsSecret(parameter) && !SecretValue.IsSealed(parameter.Value!))
                query![index] = parameter with { Value = await vault.SealAsync(parameter.Value!, cancellationToken) };
        }
        return stored with { Url = (url with { UserInfo = null, Query = query }).Compose(), Headers = headers.ToImmutable() };
    }

    /// <summary>
    /// The URL as an event stores it: each secret query value (<see cref="SecretQuery"/>) encrypted in place, so the
    /// stored URL stays one (the stored form is letters, digits and <c>:-_</c>); <see cref="SecretValue.Redacted"/> keeps
    /// the value the stored URL has for the same parameter (its name as written, and which occurrence of it).
    /// </summary>
    private static async Task<string> SealUrlAsync(
        string incoming, string? stored, ISecretVault vault, List<FieldError> errors, CancellationToken cancellationToken)
    {
        var url = TargetUrl.Parse(incoming);
        if (url.Query is null)
            return incoming;
        var storedUrl = stored is null ? null : TargetUrl.Parse(stored);
        var query = url.Query.ToArray();
        foreach (var (index, parameter, occurrence) in url.NumberedQuery())
        {
            if (!SecretQuery.HoldsSecret(parameter))
                continue;
            var key = TargetUrl.Key(parameter.Name, occurrence);
            if (parameter.Value != SecretValue.Redacted)
            {
                query[index] = parameter with { Value = await vault.SealAsync(parameter.Value!, cancellationToken) };
                continue;
            }
            var kept = storedUrl?.ValueOf(parameter.Name, occurrence);
            if (string.IsNullOrEmpty(kept) || kept == SecretValue.Redacted)
            {
                errors.Add(new("target.url", $"has \"{SecretValue.Redacted}\", the redacted form, for the secret query parameter {key}, but the job has no stored value for it to keep; send the value itself."));
                continue;
            }
            query[index] = parameter with { Value = SecretValue.IsSealed(kept) ? kept : await vault.SealAsync(kept, cancellationToken) };
        }
        return (url with { Query = query }).Compose();
    }

    /// <summary>
    /// The target with its secret values (headers and URL query) in clear, as the call sends them; false, naming the header
    /// or query parameter, when one cannot be decrypted with this cluster's key ring. Values stored in clear by old events
    /// are sent as they are.
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
                unreadable = $"header {name}";
                return false;
            }
            headers[name] = clear;
        }
        var url = TargetUrl.Parse(target.Url);
        var query = url.Query?.ToArray();
        foreach (var (index, parameter, occurrence) in url.NumberedQuery())
        {
            if (!SecretQuery.HoldsSecret(parameter) || !SecretValue.IsSealed(parameter.Value!))
                continue;
            if (!vault.TryOpen(parameter.Value!, out var clear))
            {
                unreadable = $"query parameter {TargetUrl.Key(parameter.Name, occurrence)} of the URL";
                return false;
            }
            query![index] = parameter with { Value = clear };
        }
        revealed = target with { Url = (url with { Query = query }).Compose(), Headers = headers.ToImmutable() };
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
