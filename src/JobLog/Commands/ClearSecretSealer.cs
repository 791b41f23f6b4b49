using JobLog.Model;
using JobLog.Node;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobLog.Commands;

/// <summary>
/// Repairs jobs whose current definition holds a secret in clear (<see cref="ClearSecrets"/>): written before secrets
/// were encrypted, or by an older node during a rolling upgrade. Once the node's schedule has loaded the store, and again
/// after the schedule changes (at most once per <see cref="RescanInterval"/>), each such job gets a <see cref="JobUpdated"/>
/// of its own definition with those values sealed, by the actor <c>system</c>, so its znode and every later read carry
/// only stored forms. Every node runs it; the append at the job's version lets one node win, and the others see the
/// job sealed (or changed by someone else, which sealed it too) and move on. Old events stay as they are: history is
/// immutable, and every output redacts them.
/// </summary>
public sealed partial class ClearSecretSealer(
    JobCommandService commands,
    ScheduleHolder holder,
    SyncStatus status,
    TimeProvider clock,
    ILogger<ClearSecretSealer> logger) : BackgroundService
{
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(1);

    public const string Reason = "secret values sealed: they were stored in clear";

    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    // A job whose every attempt lost to a concurrent change is left for the next scan.
    private const int AttemptsPerJob = 3;

    // The version of each job last found with nothing in clear: a scan after a change looks again only at jobs that
    // changed, so a node with many jobs and a busy feed does not re-read every target each second.
    private readonly Dictionary<string, long> _clean = new(StringComparer.Ordinal);
    private bool _failed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await status.Loaded.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = holder.Changed;
                await ScanAsync(stoppingToken);
                if (_failed)
                    await Task.WhenAny(changed, Task.Delay(RetryDelay, clock, stoppingToken));
                else
                    await changed.WaitAsync(stoppingToken);
                await Task.Delay(RescanInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node stops.
        }
    }

    /// <summary>Seals every job of the node's schedule that holds a secret in clear; returns how many this node sealed.</summary>
    private async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        var sealedCount = 0;
        _failed = false;
        foreach (var job in holder.Current.Jobs)
        {
            if (_clean.TryGetValue(job.Id.Value, out var version) && version == job.Version)
                continue;
            if (ClearSecrets.In(job.Definition.Target).Count == 0)
            {
                _clean[job.Id.Value] = job.Version;
                continue;
            }
            try
            {
                if (await SealAsync(job, cancellationToken))
                    sealedCount++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The store is out of reach, say: a scan soon tries again. Only the exception's type: its message is not ours.
                _failed = true;
                LogFailed(logger, job.Id.Value, e.GetType().Name);
            }
        }
        return sealedCount;
    }

    private async Task<bool> SealAsync(JobState job, CancellationToken cancellationToken)
    {
        var parts = string.Join(", ", ClearSecrets.In(job.Definition.Target));
        var expected = job.Version;
        for (var attempt = 0; attempt < AttemptsPerJob; attempt++)
        {
            switch (await commands.SealSecretsAsync(job.Id, expected, Reason, cancellationToken))
            {
                case JobChanged changed:
                    LogSealed(logger, job.Id.Value, parts, changed.Recorded.Version);
                    return true;
                case StaleVersion stale:
                    // Decided again on the job as it is now: a user's PUT sealed everything, a pause did not.
                    expected = stale.CurrentVersion;
                    continue;
                default:
                    // Nothing in clear any more (another node sealed it), or the job is gone.
                    return false;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: secrets stored in clear ({Parts}) sealed as version {Version}")]
    private static partial void LogSealed(ILogger logger, string jobId, string parts, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: secrets stored in clear not sealed yet ({Error}); the next scan tries again")]
    private static partial void LogFailed(ILogger logger, string jobId, string error);
}
