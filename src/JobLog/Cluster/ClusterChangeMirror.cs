using JobLog.Commands;
using JobLog.Model;
using JobLog.Store;
using JobLog.Telemetry;
using JobLog.ZooKeeper.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Cluster;

/// <summary>
/// The write path's mirror step: after the append commits, bring the job's znode up to the new version so every node
/// applies it within milliseconds. Bounded by <see cref="ClusterOptions.MirrorTimeout"/> and never failing the write:
/// without a connected session, or when ZooKeeper does not answer in time, the leader's relay mirrors it later.
/// </summary>
public sealed partial class ClusterChangeMirror(
    ClusterClient client,
    JobMirror mirror,
    IOptions<ClusterOptions> options,
    IOptions<ClusterTestHooks> hooks,
    TimeProvider clock,
    ILogger<ClusterChangeMirror> logger) : IChangeMirror
{
    private readonly TimeSpan _timeout = options.Value.MirrorTimeout;
    private readonly TimeSpan _pause = hooks.Value.PauseBeforeMirror;

    public async Task MirrorAsync(RecordedEvent recorded, JobState after, CancellationToken cancellationToken)
    {
        if (_pause > TimeSpan.Zero)
            await Task.Delay(_pause, clock, cancellationToken);
        using var activity = JobLogTelemetry.Source.StartActivity("joblog.mirror");
        activity?.SetTag(JobLogTelemetry.JobIdAttribute, recorded.Job.Value);
        activity?.SetTag("joblog.job.version", recorded.Version);
        if (client.Connected is not { } zooKeeper)
        {
            activity?.SetTag("joblog.mirror.outcome", "not_connected");
            return;
        }
        // The deadline runs on the injected clock, so a simulated cluster on a fake one never sees it fire between two steps.
        using var timeout = new CancellationTokenSource(_timeout, clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await mirror.MirrorAsync(zooKeeper, recorded.Job, recorded.Version, recorded, after, deadline.Token);
            activity?.SetTag("joblog.mirror.outcome", "mirrored");
        }
        catch (Exception e) when (e is ZooKeeperException or OperationCanceledException or ObjectDisposedException or StoreUnavailableException)
        {
            activity?.SetTag("joblog.mirror.outcome", "left_to_relay");
            LogNotMirrored(logger, recorded.Job.Value, recorded.Version, e.Message);
        }
        catch (Exception e)
        {
            // The change is committed and the client must hear so; whatever went wrong here, the relay repairs.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            LogMirrorFailed(logger, recorded.Job.Value, recorded.Version, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} version {Version} is committed but not mirrored yet ({Reason}); the leader's relay will mirror it")]
    private static partial void LogNotMirrored(ILogger logger, string jobId, long version, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} version {Version} is committed but mirroring it failed unexpectedly; the leader's relay will mirror it")]
    private static partial void LogMirrorFailed(ILogger logger, string jobId, long version, Exception exception);
}
