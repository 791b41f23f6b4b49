using System.Net;
using System.Net.Http;
using System.Text;
using JobLog.Model;
using JobLog.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace JobLog.Dispatch.Delivery;

/// <summary>
/// Calls a run's target: one HTTP client for every target, its connections made by <see cref="PolicyConnector"/>;
/// attempts retried on the job's <see cref="RetryPolicy"/>, each bounded by the target's timeout and passed through
/// the circuit breaker of the target's authority; at most <see cref="DeliveryOptions.MaxConcurrentCalls"/> calls at once.
/// Secret header values are decrypted here, just before the call, and nowhere else.
/// </summary>
public sealed partial class WebhookSender : IWebhookSender, IDisposable
{
    private static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeout = new("joblog.delivery.attempt-timeout");
    private static readonly TimeSpan MaxPollyDelay = TimeSpan.FromDays(1);

    private readonly BreakerOptions _breaker;
    private readonly TimeProvider _time;
    private readonly ISecretVault _vault;
    private readonly ILogger _logger;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _begun;
    private readonly ResiliencePipelineRegistry<string> _authorities = new();
    private readonly ResiliencePipelineRegistry<RetryPolicy> _retries = new();

    public WebhookSender(
        TargetPolicy policy, IOptions<DeliveryOptions> options, ISecretVault vault, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _breaker = options.Value.Breaker;
        _time = time;
        _vault = vault;
        _logger = logger;
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentCalls, options.Value.MaxConcurrentCalls);
        _begun = new SemaphoreSlim(options.Value.MaxBegunAttempts, options.Value.MaxBegunAttempts);
        _handler = new SocketsHttpHandler
        {
            ConnectCallback = new PolicyConnector(policy, logger).ConnectAsync,
            // Redirects are not followed; a 3xx is the run's answer (failed, with its status). The connection callback
            // would still check the new address, but following would turn a POST into a GET without its body (301-303),
            // send the job's headers (its secrets) to whatever host the target names, and make one attempt two calls
            // to two targets under one idempotency key. A target that moved is fixed by updating the job.
            AllowAutoRedirect = false,
            // Through a proxy the callback would connect to the proxy and the policy would judge the wrong address.
            UseProxy = false,
            // Jobs share this client; one job's target must not see cookies another job's call to the same host received.
            UseCookies = false,
            // Connections are reused, and a pooled connection keeps the address it was checked against: bound their age
            // so a DNS change reaches new calls.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            // Bounds a connection attempt that outlives the call that started it (the handler keeps it for the pool).
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        // Each attempt's time limit is the Polly timeout (the target's own), not the client's.
        _client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Tests only: called with an attempt's number once its answer (or failure) is known, before any retry waits.</summary>
    internal Action<int>? AttemptAnswered { get; set; }

    public async Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        var firstAttempt = Math.Max(1, request.FirstAttempt);
        // No attempt is begun for a value that cannot be sent; the error names the header or parameter, never a value.
        if (!TargetSecrets.TryReveal(request.Target, _vault, out var target, out var unreadable))
        {
            return new DeliveryResult(RunOutcome.Failed, firstAttempt - 1, null,
                $"the secret value of {unreadable} cannot be decrypted with this cluster's key ring; set it again with PUT /jobs/{request.Job}");
        }
        request = request with { Target = target };
        // The clear URL (its query may hold secrets) lives only in this call: in the request message, never in a log line
        // (this client has no logging handler; the connection policy logs the authority only) or a run's error.
        if (!Uri.TryCreate(request.Target.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return new DeliveryResult(RunOutcome.Failed, firstAttempt - 1, null, "the target URL is not an absolute http or https URL");

        var lastAttempt = Math.Max(firstAttempt, request.Retry.Attempts);
        var call = new Call(request, uri, Authority(uri), new ErrorText(request.Target, uri), firstAttempt);
        var retry = _retries.GetOrAddPipeline<AttemptResult>(request.Retry with { Attempts = lastAttempt - firstAttempt + 1 }, ConfigureRetry);
        var authority = _authorities.GetOrAddPipeline<AttemptResult>(call.Authority, ConfigureAuthority);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptTimeout, TimeSpan.FromSeconds(Math.Max(1, request.Target.TimeoutSeconds)));
        try
        {
            var last = await retry.ExecuteAsync(
                static (context, state) => state.sender.AttemptAsync(state.call, state.authority, context),
                context,
                (sender: this, call, authority));
            return Result(call, last);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
        _authorities.Dispose();
        _retries.Dispose();
        _slots.Dispose();
        _begun.Dispose();
    }

    private async ValueTask<AttemptResult> AttemptAsync(Call call, ResiliencePipeline<AttemptResult> authority, ResilienceContext context)
    {
        var attempt = call.NextAttempt++;
        // The attempt is recorded before it waits for a call slot: a slot is held for the call alone, not for the record's
        // write, and the records of a burst go out in a few large writes. Neither is held across backoff waits, so a run
        // waiting to retry does not starve others.
        call.Stage = Stage.WaitingToBegin;
        await _begun.WaitAsync(context.CancellationToken);
        try
        {
            call.Stage = Stage.Beginning;
            if (!await call.Request.BeginAttempt(attempt, context.CancellationToken))
                return new AttemptResult(attempt, AttemptKind.NotBegun, null, null);
            call.LastBegun = attempt;
            call.LastStatus = null;
            call.Stage = Stage.WaitingForSlot;
            await _slots.WaitAsync(context.CancellationToken);
            try
            {
                call.Stage = Stage.Sending;
                var result = await AttemptThroughBreakerAsync(call, attempt, authority, context);
                call.LastStatus = result.Status;
                call.Stage = Stage.BetweenAttempts;
                AttemptAnswered?.Invoke(attempt);
                return result;
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            _begun.Release();
        }
    }

    private async ValueTask<AttemptResult> AttemptThroughBreakerAsync(
        Call call, int attempt, ResiliencePipeline<AttemptResult> authority, ResilienceContext context)
    {
        try
        {
            return await authority.ExecuteAsync(
                static (context, state) => state.sender.SendAsync(state.call, state.attempt, context.CancellationToken),
                context,
                (sender: this, call, attempt));
        }
        catch (BrokenCircuitException)
        {
            return new AttemptResult(attempt, AttemptKind.CircuitOpen, null, $"circuit open for host {call.Authority}");
        }
        catch (TimeoutRejectedException)
        {
            var timeout = context.Properties.GetValue(AttemptTimeout, TimeSpan.Zero);
            return new AttemptResult(attempt, AttemptKind.TimedOut, null, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refusal)
        {
            return new AttemptResult(attempt, AttemptKind.Refused, null, refusal.Reason);
        }
        catch (HttpRequestException ex)
        {
            // Also when the caller cancelled at the same moment: the retry strategy stops at the cancellation.
            return new AttemptResult(attempt, AttemptKind.ConnectionFailed, null, call.Text.Compose("connection failed", ex.Message));
        }
    }

    private async ValueTask<AttemptResult> SendAsync(Call call, int attempt, CancellationToken cancellationToken)
    {
        using var message = BuildRequest(call.Request, call.Uri, attempt);
        using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
            return new AttemptResult(attempt, AttemptKind.Delivered, status, null);

        var answer = call.Text.Compose($"HTTP {status}", response.ReasonPhrase, " ");
        if (status is >= 300 and <= 399)
            return new AttemptResult(attempt, AttemptKind.Answered, status, $"{answer} (redirects are not followed)");
        var body = await call.Text.ReadBodyAsync(response.Content, cancellationToken);
        return new AttemptResult(attempt, AttemptKind.Answered, status, call.Text.Compose(answer, body), RetryAfter(response));
    }

    private static HttpRequestMessage BuildRequest(DeliveryRequest request, Uri uri, int attempt)
    {
        var target = request.Target;
        var message = new HttpRequestMessage(new HttpMethod(target.Method), uri);
        if (target.Body is not null)
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(target.Body));
        foreach (var (name, value) in target.Headers)
        {
            // Ours replace the job's; the length and framing are the body's.
            if (RunHeaders.IsReserved(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                continue;
            if (message.Headers.TryAddWithoutValidation(name, value))
                continue;
            // A content header (Content-Type...) belongs to the content; a job without a body sends an empty one.
            message.Content ??= new ByteArrayContent([]);
            message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        message.Headers.TryAddWithoutValidation(RunHeaders.Job, request.Job.Value);
        message.Headers.TryAddWithoutValidation(RunHeaders.Occurrence, RunHeaders.FormatOccurrence(request.ScheduledAt));
        message.Headers.TryAddWithoutValidation(RunHeaders.Attempt, RunHeaders.FormatAttempt(attempt));
        message.Headers.TryAddWithoutValidation(RunHeaders.Version, RunHeaders.FormatVersion(request.JobVersion));
        message.Headers.TryAddWithoutValidation(RunHeaders.IdempotencyKey, request.IdempotencyKey);
        return message;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };

    private static TargetRefusal? Refusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is TargetRefusedException refused)
                return refused.Refusal;
        }
        return null;
    }

    private static DeliveryResult Result(Call call, AttemptResult last) => last.Kind switch
    {
        AttemptKind.Delivered => new DeliveryResult(RunOutcome.Succeeded, last.Attempt, last.Status, null),
        AttemptKind.TimedOut => new DeliveryResult(RunOutcome.TimedOut, last.Attempt, null, last.Error),
        AttemptKind.Refused => new DeliveryResult(RunOutcome.Refused, last.Attempt, null, last.Error),
        AttemptKind.NotBegun => new DeliveryResult(
            RunOutcome.Failed, last.Attempt - 1, call.LastStatus,
            $"attempt {last.Attempt} was not begun: the run is no longer this dispatcher's to call", Abandoned: true),
        _ => new DeliveryResult(RunOutcome.Failed, last.Attempt, last.Status, last.Error),
    };

    /// <summary>
    /// The caller cancelled (its run was replaced, or the node is stopping): the delivery ends at once as failed, saying
    /// how far it got. Whether to record it is the caller's decision: only it knows why it cancelled.
    /// </summary>
    private static DeliveryResult Cancelled(Call call)
    {
        var error = call.Stage switch
        {
            Stage.Sending => $"cancelled during attempt {call.LastBegun}; the target may have received it",
            Stage.WaitingForSlot => $"cancelled after attempt {call.LastBegun} was recorded as begun, before it was sent",
            Stage.BetweenAttempts when call.LastBegun >= call.FirstAttempt => $"cancelled while waiting to retry after attempt {call.LastBegun}",
            Stage.BetweenAttempts => $"cancelled before attempt {call.NextAttempt} was sent",
            _ => $"cancelled before attempt {call.NextAttempt - 1} was sent",
        };
        return new DeliveryResult(RunOutcome.Failed, call.LastBegun, call.LastStatus, error);
    }

    private void ConfigureRetry(ResiliencePipelineBuilder<AttemptResult> builder, ConfigureBuilderContext<RetryPolicy> context)
    {
        builder.TimeProvider = _time;
        var policy = context.PipelineKey;
        if (policy.Attempts <= 1)
            return;
        var cap = Clamp(TimeSpan.FromSeconds(policy.MaxBackoffSeconds));
        builder.AddRetry(new RetryStrategyOptions<AttemptResult>
        {
            MaxRetryAttempts = policy.Attempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = Clamp(TimeSpan.FromSeconds(policy.BackoffSeconds)),
            MaxDelay = cap,
            // Refusals, open circuits, 4xx answers and declined attempts would end the same way again.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Transient: true }),
            // A target that says when to come back is believed, within the job's cap (Polly's cap skips generated delays).
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result?.RetryAfter is { } after ? (TimeSpan?)Clamp(after > cap ? cap : after) : null),
        });
    }

    private void ConfigureAuthority(ResiliencePipelineBuilder<AttemptResult> builder, ConfigureBuilderContext<string> context)
    {
        builder.TimeProvider = _time;
        var authority = context.PipelineKey;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptResult>
        {
            FailureRatio = _breaker.FailureRatio,
            MinimumThroughput = _breaker.MinimumThroughput,
            SamplingDuration = _breaker.SamplingDuration,
            BreakDuration = _breaker.BreakDuration,
            // What says the host is unwell; a refusal says nothing about it, and a cancellation is ours.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: TimeoutRejectedException } => true,
                { Exception: HttpRequestException ex } => Refusal(ex) is null,
                { Result: { Kind: AttemptKind.Answered, Status: { } status } } => AttemptResult.IsTransientStatus(status),
                _ => false,
            }),
            OnOpened = args =>
            {
                LogCircuitOpened(_logger, authority, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(_logger, authority);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeout, TimeSpan.FromSeconds(WebhookTarget.DefaultTimeoutSeconds))),
        });
    }

    /// <summary>The breaker's key: scheme, host and port, never the user info, path or query (they may hold secrets).</summary>
    private static string Authority(Uri uri)
    {
        var host = uri.IdnHost;
        if (uri.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
            host = $"[{host}]";
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxPollyDelay ? MaxPollyDelay : delay;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit opened for {Authority}: calls to it fail at once for {BreakDuration}")]
    private static partial void LogCircuitOpened(ILogger logger, string authority, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit closed for {Authority}")]
    private static partial void LogCircuitClosed(ILogger logger, string authority);

    private enum Stage
    {
        WaitingToBegin,
        Beginning,
        WaitingForSlot,
        Sending,
        BetweenAttempts,
    }

    /// <summary>One delivery's state across its attempts (read when it is cancelled).</summary>
    private sealed class Call(DeliveryRequest request, Uri uri, string authority, ErrorText text, int firstAttempt)
    {
        public DeliveryRequest Request { get; } = request;

        public Uri Uri { get; } = uri;

        public string Authority { get; } = authority;

        public ErrorText Text { get; } = text;

        public int FirstAttempt { get; } = firstAttempt;

        public int NextAttempt { get; set; } = firstAttempt;

        public int LastBegun { get; set; } = firstAttempt - 1;

        public int? LastStatus { get; set; }

        public Stage Stage { get; set; } = Stage.BetweenAttempts;
    }
}
