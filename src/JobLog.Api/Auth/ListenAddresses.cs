using System.Net;

namespace JobLog.Api.Auth;

/// <summary>Whether an address the server listens on can be reached only from this machine.</summary>
public static class ListenAddresses
{
    /// <summary>
    /// True for <c>localhost</c>, a loopback IP (127.0.0.0/8, ::1) and a Unix socket; false for a wildcard (<c>*</c>,
    /// <c>+</c>, 0.0.0.0, ::), any other IP and any host name, which Kestrel binds on every interface.
    /// </summary>
    public static bool IsLoopback(string address)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return false;
        }
        if (binding.IsUnixPipe)
            return true;
        var host = binding.Host.TrimStart('[').TrimEnd(']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
