using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Auth;

/// <summary>
/// Refuses to run a node that would serve the network without authentication: with <c>JobLog:Auth:Enabled=false</c>,
/// every address the server actually bound must be loopback. Checked once the server has bound (only then are the
/// addresses known, whether they came from <c>--urls</c>, configuration or code); until then the loopback handler
/// already refuses requests from elsewhere. Taking the key ring checks the configured keys before anything starts.
/// </summary>
public sealed partial class AuthStartupCheck(
    IOptions<AuthOptions> auth,
    IOptions<JwtOptions> jwt,
    ApiKeyRing keys,
    IServer server,
    ILogger<AuthStartupCheck> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (auth.Value.Enabled)
        {
            if (keys.Count == 0 && !jwt.Value.IsConfigured)
                LogNoCredentials(logger);
            return Task.CompletedTask;
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var open = addresses.Where(a => !ListenAddresses.IsLoopback(a)).ToList();
        if (open.Count > 0)
        {
            var reason = $"JobLog:Auth:Enabled=false is refused: the node listens on {string.Join(", ", open)}, which other "
                         + "machines can reach. Turn authentication on, or listen on loopback addresses only "
                         + "(127.0.0.1, [::1], localhost).";
            LogRefused(logger, reason);
            throw new InvalidOperationException(reason);
        }
        LogDisabled(logger, string.Join(", ", addresses));
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Authentication is off (JobLog:Auth:Enabled=false): every request from this machine is served as anonymous, on {Addresses}")]
    private static partial void LogDisabled(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No API key (JobLog:Auth:ApiKeys) and no token issuer (JobLog:Auth:Jwt:Authority) is configured: every request but health and the OpenAPI document is refused")]
    private static partial void LogNoCredentials(ILogger logger);
}
