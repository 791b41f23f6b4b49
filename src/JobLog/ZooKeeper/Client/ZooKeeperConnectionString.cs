using System.Globalization;
using System.Net;

namespace JobLog.ZooKeeper.Client;

/// <summary>A parsed <c>host:port[,host:port...][/chroot]</c> connection string.</summary>
/// <param name="Servers">The servers in the order given; the client starts at a random one and then goes round.</param>
/// <param name="Chroot">The chroot without a trailing slash, or null when there is none.</param>
public sealed record ZooKeeperConnectionString(IReadOnlyList<DnsEndPoint> Servers, string? Chroot)
{
    /// <summary>Parses a connection string; throws <see cref="FormatException"/> that names the part at fault.</summary>
    public static ZooKeeperConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        if (text.Length == 0)
            throw new FormatException("The ZooKeeper connection string is empty; expected host:port[,host:port...][/chroot].");

        string? chroot = null;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            chroot = ParseChroot(text[slash..], connectionString);
            text = text[..slash];
        }

        var servers = new List<DnsEndPoint>();
        foreach (var part in text.Split(','))
            servers.Add(ParseServer(part.Trim(), connectionString));
        return new ZooKeeperConnectionString(servers, chroot);
    }

    private static DnsEndPoint ParseServer(string part, string whole)
    {
        if (part.Length == 0)
            throw new FormatException($"Empty server entry in ZooKeeper connection string '{whole}'.");

        string host;
        string portText;
        if (part.StartsWith('['))
        {
            // IPv6 literals carry colons of their own, so they come bracketed: [::1]:2181.
            var close = part.IndexOf(']');
            if (close < 0 || close + 1 >= part.Length || part[close + 1] != ':')
                throw new FormatException($"Server '{part}' in '{whole}' must be [ipv6]:port.");
            host = part[1..close];
            portText = part[(close + 2)..];
        }
        else
        {
            var colon = part.LastIndexOf(':');
            if (colon < 0)
                throw new FormatException($"Server '{part}' in '{whole}' has no port; expected host:port.");
            host = part[..colon];
            portText = part[(colon + 1)..];
            if (host.Contains(':'))
                throw new FormatException($"Server '{part}' in '{whole}' looks like IPv6; write it as [address]:port.");
        }

        if (host.Length == 0)
            throw new FormatException($"Server '{part}' in '{whole}' has no host.");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"Server '{part}' in '{whole}' has an invalid port '{portText}'; expected 1-65535.");
        return new DnsEndPoint(host, port);
    }

    private static string? ParseChroot(string chroot, string whole)
    {
        if (chroot == "/")
            return null;
        if (chroot.EndsWith('/'))
            throw new FormatException($"Chroot '{chroot}' in '{whole}' must not end with '/'.");
        if (chroot.Contains("//", StringComparison.Ordinal) || chroot.Contains(','))
            throw new FormatException($"Chroot '{chroot}' in '{whole}' is not a valid path.");
        foreach (var segment in chroot[1..].Split('/'))
        {
            if (segment is "." or "..")
                throw new FormatException($"Chroot '{chroot}' in '{whole}' must not contain '.' or '..' segments.");
        }

        return chroot;
    }
}
