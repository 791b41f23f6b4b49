namespace JobLog.Testing;

/// <summary>One request a <see cref="WebhookReceiver"/> received; <see cref="Timestamp"/> is <c>Stopwatch.GetTimestamp()</c> at arrival.</summary>
public sealed record ReceivedRequest(
    int Sequence,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt,
    long Timestamp)
{
    /// <summary>The header's value (values of a repeated header joined with commas), or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
