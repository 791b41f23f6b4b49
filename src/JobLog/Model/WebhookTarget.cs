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

    // Records compare dictionaries by reference; two targets with the same headers are the same target.
    public bool Equals(WebhookTarget? other) =>
        other is not null
        && Url == other.Url
        && Method == other.Method
        && Body == other.Body
        && TimeoutSeconds == other.TimeoutSeconds
        && Headers.Count == other.Headers.Count
        && Headers.SequenceEqual(other.Headers);

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
        return hash.ToHashCode();
    }
}
