using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobLog.Testing;

/// <summary>
/// A real webhook target on a free loopback port (Kestrel): records every request it receives (method, path, headers,
/// body, arrival time) and answers each path by its script: a sequence of responses whose last one repeats, each with a
/// status, headers, a body, a delay before answering, or a dropped connection. Unscripted paths answer 200.
/// It also counts requests in progress, overall and the most at once, for tests of concurrency bounds.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ResponseScript> _scripts = new(StringComparer.Ordinal);
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Lock _gate = new();
    private int _inFlight;
    private int _maxInFlight;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        _app.Run(HandleAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>Starts a receiver listening on <paramref name="address"/> (127.0.0.1 unless given) at a free port.</summary>
    public static async Task<WebhookReceiver> StartAsync(IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address ?? IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var receiver = new WebhookReceiver(builder.Build());
        await receiver._app.StartAsync();
        var bound = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseAddress = new Uri(bound);
        return receiver;
    }

    /// <summary>The absolute URL of <paramref name="path"/> on this receiver (as 127.0.0.1, or under another host name).</summary>
    public string Url(string path, string? host = null) =>
        new UriBuilder(BaseAddress) { Host = host ?? BaseAddress.Host, Path = path }.Uri.ToString();

    /// <summary>Answers <paramref name="path"/> with <paramref name="steps"/> in order, the last one for every later request.</summary>
    public void Script(string path, params ScriptedResponse[] steps)
    {
        if (steps.Length == 0)
            throw new ArgumentException("A script needs at least one response.", nameof(steps));
        _scripts[path] = new ResponseScript(steps);
    }

    /// <summary>Every request received so far, in order of arrival.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
                return [.. _requests];
        }
    }

    public IReadOnlyList<ReceivedRequest> RequestsTo(string path) => [.. Requests.Where(r => r.Path == path)];

    /// <summary>Requests being answered right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most requests being answered at once since the start (or the last <see cref="ResetMaxInFlight"/>).</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public void ResetMaxInFlight() => Volatile.Write(ref _maxInFlight, InFlight);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max)
                break;
        }
        try
        {
            var arrived = Stopwatch.GetTimestamp();
            var receivedAt = TimeProvider.System.GetUtcNow();
            var request = context.Request;
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var step = _scripts.TryGetValue(request.Path.Value ?? "", out var script) ? script.Next() : ScriptedResponse.Ok;
            lock (_gate)
            {
                _requests.Add(new ReceivedRequest(
                    _requests.Count + 1, request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "",
                    headers, body, receivedAt, arrived));
            }

            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            if (step.Delay != TimeSpan.Zero)
                await Task.Delay(step.Delay, aborted.Token);
            if (step.CloseConnection)
            {
                context.Abort();
                return;
            }
            context.Response.StatusCode = step.Status;
            foreach (var (name, value) in step.Headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            if (step.Body is not null)
                await context.Response.WriteAsync(step.Body, aborted.Token);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (its timeout) or the receiver is stopping: nothing left to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed class ResponseScript(ScriptedResponse[] steps)
    {
        private int _next;

        public ScriptedResponse Next()
        {
            var index = Interlocked.Increment(ref _next) - 1;
            return steps[Math.Min(index, steps.Length - 1)];
        }
    }
}
