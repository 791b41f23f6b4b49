using System.Collections.Immutable;

namespace JobLog.Model;

/// <summary>The HTTP call a job makes when it fires.</summary>
public sealed record WebhookTarget(
    string Url,
    string Method,
    ImmutableSortedDictionary<string, string> Headers,
    string? Body,
    int TimeoutSeconds)
{
    public const string DefaultMethod = "POST";
    public const int DefaultTimeoutSeconds = 30;

    // One key order whoever built the dictionary (the JSON reader uses a culture-sensitive comparer), so that
    // equality and the canonical schedule bytes never depend on where the headers came from.
    public ImmutableSortedDictionary<string, string> Headers
    {
        get;
        init => field = value.WithComparers(StringComparer.Ordinal);
    } = Headers.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// Names of headers (in <see cref="Headers"/>, ignoring case) whose values are secret besides those
    /// <see cref="Model.SecretHeaders"/> makes secret by default. Events written before secrets existed have none; so does a
    /// stored <c>null</c>.
    /// </summary>
    public ImmutableSortedSet<string> SecretHeaders
    {
        get;
        init => field = (value ?? []).WithComparer(StringComparer.Ordinal);
    } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Whether the value of <paramref name="headerName"/> is secret in this target.</summary>
    public bool IsSecret(string headerName) => Model.SecretHeaders.IsSecret(headerName, SecretHeaders);

    // Records compare dictionaries by reference; two targets with the same headers are the same target.
    public bool Equals(WebhookTarget? other) =>
        other is not null
        && Url == other.Url
        && Method == other.Method
        && Body == other.Body
        && TimeoutSeconds == other.TimeoutSeconds
        && Headers.Count == other.Headers.Count
        && Headers.SequenceEqual(other.Headers)
        && SecretHeaders.SequenceEqual(other.SecretHeaders);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Url);
        hash.Add(Method);
        hash.Add(Body);
        hash.Add(TimeoutSeconds);
        foreach (var (name, value) in Headers)
        {
            hash.Add(name);
            hash.Add(value);
        }
        foreach (var name in SecretHeaders)
            hash.Add(name);
        return hash.ToHashCode();
    }
}
