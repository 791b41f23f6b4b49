using JobLog.Dispatch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace JobLog.Bench;

/// <summary>
/// The target both schedulers call: Kestrel alone on a free loopback port (no routing, logging or other middleware),
/// answering 200 with no body and recording the receive instant and the occurrence headers of every request.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private List<Delivery> _deliveries = [];

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where to point a job's target.</summary>
    public Uri Url { get; }

    public static async Task<WebhookReceiver> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(context =>
        {
            receiver!.Record(context.Request.Headers, DateTimeOffset.UtcNow);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver = new WebhookReceiver(app, new Uri(new Uri(address), "/hook"));
        return receiver;
    }

    /// <summary>Every delivery since the last <see cref="Reset"/>, in arrival order.</summary>
    public IReadOnlyList<Delivery> Deliveries => Since(0);

    public int Count
    {
        get
        {
            lock (_gate)
                return _deliveries.Count;
        }
    }

    /// <summary>The deliveries after the first <paramref name="index"/> since the last <see cref="Reset"/>.</summary>
    public IReadOnlyList<Delivery> Since(int index)
    {
        lock (_gate)
            return index >= _deliveries.Count ? [] : _deliveries.GetRange(index, _deliveries.Count - index);
    }

    /// <summary>Starts a new record, so one workload's late arrivals are not counted in the next.</summary>
    public void Reset()
    {
        lock (_gate)
            _deliveries = [];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Record(IHeaderDictionary headers, DateTimeOffset receivedAt)
    {
        var occurrence = RunHeaders.TryParseOccurrence(headers[RunHeaders.Occurrence].ToString(), out var scheduled)
            ? scheduled
            : DateTimeOffset.MinValue;
        var key = headers[RunHeaders.IdempotencyKey].ToString();
        var instance = headers["X-Bench-Instance"].ToString();
        var delivery = new Delivery(
            receivedAt,
            headers[RunHeaders.Job].ToString(),
            occurrence,
            key.Length > 0 ? key : null,
            instance.Length > 0 ? instance : null);
        lock (_gate)
            _deliveries.Add(delivery);
    }
}
