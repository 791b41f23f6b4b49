using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using JobLog.Dispatch;
using JobLog.Dispatch.Delivery;
using JobLog.Model;
using JobLog.Secrets;
using JobLog.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JobLog.Integration.Dispatch.Delivery;

/// <summary>Senders and requests for the delivery tests: loopback allowed unless a test says otherwise, no backoff waits.</summary>
internal static class Deliveries
{
    public static readonly JobId Job = JobId.Parse("nightly-report");
    public static readonly DateTimeOffset Occurrence = new(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
    public static readonly RetryPolicy Once = new(1, 0, 0);

    public static WebhookSender Sender(Action<DeliveryOptions>? configure = null, bool allowLoopback = true, ISecretVault? vault = null)
    {
        var options = new DeliveryOptions();
        if (allowLoopback)
            options.Targets.Allow.AddRange(["127.0.0.0/8", "::1/128"]);
        configure?.Invoke(options);
        var validation = new DeliveryOptionsValidator().Validate(null, options);
        if (validation.Failed)
            throw new InvalidOperationException(validation.FailureMessage);
        return new WebhookSender(
            TargetPolicy.From(options.Targets), Options.Create(options), vault ?? SecretVaults.Ephemeral(), TimeProvider.System, NullLogger<WebhookSender>.Instance);
    }

    public static DeliveryRequest Request(
        string url,
        RetryPolicy? retry = null,
        int timeoutSeconds = 10,
        IReadOnlyDictionary<string, string>? headers = null,
        string method = "POST",
        string? body = null,
        AttemptLog? attempts = null,
        long jobVersion = 7)
    {
        var target = new WebhookTarget(
            url, method, (headers ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal),
            body, timeoutSeconds);
        attempts ??= new AttemptLog();
        return new DeliveryRequest(
            Job, jobVersion, Occurrence, RunHeaders.KeyForOccurrence(Job, Occurrence), target, retry ?? Once, 1, attempts.BeginAsync);
    }

    /// <summary>A loopback port nothing listens on (taken from the kernel, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Stands in for the dispatcher's BeginAttempt: records every attempt asked for and answers as told.</summary>
internal sealed class AttemptLog(Func<int, bool>? allow = null)
{
    private readonly ConcurrentQueue<int> _asked = new();

    public IReadOnlyList<int> Asked => [.. _asked];

    public Task<bool> BeginAsync(int attempt, CancellationToken cancellationToken)
    {
        _asked.Enqueue(attempt);
        return Task.FromResult(allow?.Invoke(attempt) ?? true);
    }
}
