namespace JobLog.Testing;

/// <summary>
/// How a <see cref="WebhookReceiver"/> answers one request: after <see cref="Delay"/> (infinite: never, until the caller
/// gives up), either drop the connection without an answer or answer <see cref="Status"/> with the headers and body.
/// </summary>
public sealed record ScriptedResponse(
    int Status = 200,
    TimeSpan Delay = default,
    bool CloseConnection = false,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? Body = null)
{
    public static ScriptedResponse Ok { get; } = new();

    /// <summary>Never answers; the request ends when the caller gives up.</summary>
    public static ScriptedResponse Hang { get; } = new(Delay: Timeout.InfiniteTimeSpan);

    /// <summary>Drops the connection without answering.</summary>
    public static ScriptedResponse Close { get; } = new(CloseConnection: true);

    public static ScriptedResponse WithStatus(int status, string? body = null) => new(status, Body: body);

    public ScriptedResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers ?? new Dictionary<string, string>()) { [name] = value } };
}
