namespace JobLog.Api.Connections;

/// <summary>
/// Whether the application is serving a request on this connection: from the moment it sees the request until the
/// response has been written completely. Output written outside that window is the web server answering on its own.
/// </summary>
public sealed class ConnectionActivity
{
    public const string ItemKey = "JobLog.ConnectionActivity";

    private int _requestsInApplication;

    public bool IsIdle => Volatile.Read(ref _requestsInApplication) == 0;

    public void RequestStarted() => Interlocked.Increment(ref _requestsInApplication);

    public void RequestCompleted() => Interlocked.Decrement(ref _requestsInApplication);
}
