using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace JobLog.Dispatch.Delivery;

/// <summary>
/// The HTTP handler's connection callback: resolves the host itself and connects only to addresses the target policy
/// allows. The check is on the address the socket connects to, every time a connection is made, so a name that resolves
/// into a denied range (now, or after a DNS change) is refused however the URL spells it.
/// </summary>
internal sealed partial class PolicyConnector(TargetPolicy policy, ILogger logger)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        IPAddress[] candidates = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);

        TargetRefusal? refused = null;
        SocketException? failure = null;
        foreach (var candidate in candidates)
        {
            // The socket connects to exactly the address judged: an IPv4-mapped IPv6 address as the IPv4 one it maps.
            var address = AddressRange.Normalize(candidate);
            if (policy.Check(address) is { } refusal)
            {
                refused ??= refusal;
                LogRefused(logger, host, port, refusal.Address.ToString(), refusal.DeniedBy.ToString());
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        // An allowed address that could not be reached is a connection failure (worth a retry); only a host whose every
        // address is refused is a refusal.
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
        if (refused is not null)
            throw new TargetRefusedException(refused);
        throw new SocketException((int)SocketError.HostNotFound);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Target {Host}:{Port} refused by the target policy: {Address} is in the denied range {Range}")]
    private static partial void LogRefused(ILogger logger, string host, int port, string address, string range);
}
