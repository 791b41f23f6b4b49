using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace JobLog.Bench;

/// <summary>
/// Writes to one node, one at a time: pauses or resumes the bulk-loaded jobs in turn (job-0000000, job-0000001, ...) at
/// the version it last saw. <see cref="Next"/> says which version of which job the next write makes, so waits for it
/// can be registered before it is sent.
/// </summary>
public sealed class ToggleWriter(Uri node, int jobs) : IDisposable
{
    private readonly HttpClient _http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) }.Authorize();
    private readonly Dictionary<int, (long Version, bool Enabled)> _known = [];
    private int _turn;

    public PlannedWrite Next()
    {
        var index = _turn++ % jobs;
        var (version, enabled) = _known.GetValueOrDefault(index, (1, true));
        return new PlannedWrite(index, BulkJobs.IdOf(index).Value, version, enabled);
    }

    /// <summary>Sends the write and returns the <see cref="Stopwatch"/> timestamp at which its answer was read.</summary>
    public async Task<long> SendAsync(PlannedWrite write, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/jobs/{write.Job}/{(write.Enabled ? "pause" : "resume")}");
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{write.Version}\"");
        using var response = await _http.SendAsync(request, ct);
        var acknowledged = Stopwatch.GetTimestamp();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        var job = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        _known[write.Index] = (job.GetProperty("version").GetInt64(), job.GetProperty("enabled").GetBoolean());
        return acknowledged;
    }

    public void Dispose() => _http.Dispose();
}
