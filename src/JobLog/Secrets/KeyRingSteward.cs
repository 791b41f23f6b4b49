using JobLog.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobLog.Secrets;

/// <summary>
/// Makes the key ring usable before the node serves anything (started before the other hosted services of the node),
/// then checks every <see cref="CheckInterval"/> whether a successor key is due. A store that cannot be reached at start
/// does not stop the node: the first encryption or the next check tries again.
/// </summary>
public sealed partial class KeyRingSteward(SecretKeyRing ring, TimeProvider clock, ILogger<KeyRingSteward> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(6);

    /// <summary>Returns once the first check is done, so hosted services started after this one find the ring usable.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await CheckAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node stops.
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ring.EnsureAsync(cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            LogUnavailable(logger, e.InnerException?.Message ?? e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret key ring not checked: the store is unavailable ({Reason}); encrypting a secret tries again")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
