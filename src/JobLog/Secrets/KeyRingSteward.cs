using JobLog.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobLog.Secrets;

/// <summary>
/// Makes the key ring usable before the node serves anything (started before the other hosted services of the node),
/// then checks every <see cref="CheckInterval"/> whether a successor key is due. A store that cannot be reached at start
/// does not stop the node: the first encryption or the next check tries again.
/// </summary>
public sealed partial class KeyRingSteward(SecretKeyRing ring, TimeProvider clock, ILogger<KeyRingSteward> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(6);

    private readonly CancellationTokenSource _stopping = new();
    private Task _checks = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken);
        _checks = Task.Run(() => CheckPeriodicallyAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _checks.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task CheckPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await CheckAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
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
