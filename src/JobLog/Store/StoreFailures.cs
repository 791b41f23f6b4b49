using System.Net.Sockets;
using Npgsql;
using Polly.Timeout;

namespace JobLog.Store;

/// <summary>
/// Which exceptions mean "the store is unreachable, overloaded, shutting down or too slow" (worth a retry of a read and
/// a 503) rather than a bug or bad input, which no retry fixes and which must surface as what it is.
/// </summary>
public static class StoreFailures
{
    public static bool IsUnavailability(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // A PostgreSQL error names its cause: judge it by its SQLSTATE alone, whatever wraps it.
                case PostgresException postgres:
                    return IsUnavailability(postgres.SqlState) || postgres.IsTransient;
                // Npgsql's own errors (connect, pool, broken connection) are transient when a socket, I/O or timeout
                // failure is under them; anything else Npgsql reports (a protocol or usage error) is a bug.
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case TimeoutRejectedException or TimeoutException or SocketException or IOException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// SQLSTATEs of a server that cannot serve now: connection exceptions (08), insufficient resources (53), operator
    /// intervention (57: shutdown, cannot connect now, statement cancelled by a timeout), system errors (58) and a lock
    /// timeout (55P03). Data and statement errors (22, 23, 42...) mean the request or the code is wrong.
    /// </summary>
    public static bool IsUnavailability(string sqlState) =>
        sqlState.Length == 5
        && (sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState.StartsWith("57", StringComparison.Ordinal)
            || sqlState.StartsWith("58", StringComparison.Ordinal)
            || sqlState == PostgresErrorCodes.LockNotAvailable);
}
