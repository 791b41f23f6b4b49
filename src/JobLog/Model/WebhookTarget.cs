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

    // Records compare dictionaries by reference; two targets with the same headers are the same target,
    // whatever comparer each dictionary was built with (the store's JSON reader uses the culture-sensitive default).
    public bool Equals(WebhookTarget? other) =>
        other is not null
        && Url == other.Url
        && Method == other.Method
        && Body == other.Body
        && TimeoutSeconds == other.TimeoutSeconds
        && Headers.Count == other.Headers.Count
        && InOrdinalOrder(Headers).SequenceEqual(InOrdinalOrder(other.Headers));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Url);
        hash.Add(Method);
        hash.Add(Body);
        hash.Add(TimeoutSeconds);
        foreach (var (name, value) in InOrdinalOrder(Headers))
        {
            hash.Add(name);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    internal static IEnumerable<KeyValuePair<string, string>> InOrdinalOrder(ImmutableSortedDictionary<string, string> headers) =>
        ReferenceEquals(headers.KeyComparer, StringComparer.Ordinal) ? headers : headers.OrderBy(h => h.Key, StringComparer.Ordinal);
}
