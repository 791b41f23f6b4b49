using System.Net.Sockets;
using Npgsql;
using Polly.Timeout;

namespace JobLog.Store;

/// <summary>Which exceptions mean "the store is unreachable or slow" rather than a bug in the caller.</summary>
public static class StoreFailures
{
    public static bool IsUnavailability(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or TimeoutRejectedException or TimeoutException or SocketException or IOException)
                return true;
        }
        return false;
    }
}
