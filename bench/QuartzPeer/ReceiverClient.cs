using System.Net;

namespace JobLog.QuartzPeer;

/// <summary>The one HTTP client every fire of this process posts through, to the bench's receiver.</summary>
public sealed class ReceiverClient(Uri receiver, string instanceId) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task PostAsync(string job, DateTimeOffset scheduled, CancellationToken ct)
    {
        var occurrence = OccurrenceHeaders.FormatOccurrence(scheduled);
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver) { Content = new ByteArrayContent([]) };
        request.Headers.Add(OccurrenceHeaders.Job, job);
        request.Headers.Add(OccurrenceHeaders.Occurrence, occurrence);
        request.Headers.Add(OccurrenceHeaders.Attempt, "1");
        request.Headers.Add(OccurrenceHeaders.IdempotencyKey, OccurrenceHeaders.KeyOf(job, occurrence));
        request.Headers.Add(OccurrenceHeaders.Instance, instanceId);
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            await Console.Error.WriteLineAsync($"{instanceId}: the receiver answered {(int)response.StatusCode} for {job} at {occurrence}");
    }

    public void Dispose() => _http.Dispose();
}
