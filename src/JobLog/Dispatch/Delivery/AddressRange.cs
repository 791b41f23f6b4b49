using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace JobLog.Dispatch.Delivery;

/// <summary>
/// A CIDR range of IPv4 or IPv6 addresses (<c>169.254.0.0/16</c>, <c>fe80::/10</c>; a bare address is a range of one).
/// IPv4-mapped IPv6 is the IPv4 address it maps, in a range as in an address: <c>::ffff:127.0.0.0/104</c> is
/// <c>127.0.0.0/8</c>, and <c>::ffff:127.0.0.1</c> is in it; otherwise the address <c>::ffff:a.b.c.d</c> would reach an
/// IPv4 host that no IPv4 range could deny.
/// </summary>
public readonly record struct AddressRange
{
    private readonly byte[] _network;

    private AddressRange(byte[] network, int prefixLength)
    {
        _network = network;
        PrefixLength = prefixLength;
    }

    public AddressFamily Family => _network is { Length: 4 } ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    public IPAddress Network => _network is null ? IPAddress.None : new IPAddress(_network);

    public int PrefixLength { get; }

    public static AddressRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException($"'{text}' {error}");

    /// <summary>Parses a range strictly: a typo must fail start-up, not silently deny or allow something else.</summary>
    public static bool TryParse(string? text, out AddressRange range, [NotNullWhen(false)] out string? error)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; expected a CIDR range such as 10.0.0.0/8 or fd00::/8.";
            return false;
        }
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address, out error))
            return false;

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefixLength = bits;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > bits)
            {
                error = $"has prefix length '{prefixText}'; an {(bits == 32 ? "IPv4" : "IPv6")} range takes 0 to {bits}.";
                return false;
            }
        }

        var network = address.GetAddressBytes();
        var masked = Mask(network, prefixLength);
        if (!masked.AsSpan().SequenceEqual(network))
        {
            error = $"has bits set after its /{prefixLength} prefix; the range is written {new IPAddress(masked)}/{prefixLength}.";
            return false;
        }

        if (network.Length == 16 && prefixLength >= 96 && new IPAddress(network).IsIPv4MappedToIPv6)
        {
            network = network[12..];
            prefixLength -= 96;
        }
        range = new AddressRange(network, prefixLength);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> lies in the range; an IPv4-mapped IPv6 address counts as its IPv4 address.</summary>
    public bool Contains(IPAddress address)
    {
        if (_network is null)
            return false;
        var bytes = Normalize(address).GetAddressBytes();
        if (bytes.Length != _network.Length)
            return false;
        var whole = PrefixLength / 8;
        if (!bytes.AsSpan(0, whole).SequenceEqual(_network.AsSpan(0, whole)))
            return false;
        var rest = PrefixLength % 8;
        if (rest == 0)
            return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (bytes[whole] & mask) == _network[whole];
    }

    /// <summary>The address a socket really reaches: IPv4-mapped IPv6 as IPv4, without an IPv6 scope.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    public bool Equals(AddressRange other) =>
        PrefixLength == other.PrefixLength && (_network ?? []).AsSpan().SequenceEqual(other._network ?? []);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PrefixLength);
        hash.AddBytes(_network ?? []);
        return hash.ToHashCode();
    }

    public override string ToString() => _network is null ? "" : $"{Network}/{PrefixLength}";

    private static bool TryParseAddress(string text, out IPAddress address, [NotNullWhen(false)] out string? error)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            // A zone (fe80::1%eth0) names an interface, not addresses; the policy judges addresses only.
            if (text.Contains('%') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"is not a CIDR range: '{text}' is not an IPv6 address.";
                return false;
            }
            address = v6;
            error = null;
            return true;
        }
        // IPAddress.TryParse also takes "10", "10.1" and octal-looking forms; only the four-number form is meant here.
        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')
                || int.Parse(p, CultureInfo.InvariantCulture) > 255))
        {
            error = $"is not a CIDR range: '{text}' is not an IPv4 address of four numbers 0-255 or an IPv6 address.";
            return false;
        }
        address = IPAddress.Parse(text);
        error = null;
        return true;
    }

    private static byte[] Mask(byte[] address, int prefixLength)
    {
        var masked = new byte[address.Length];
        for (var i = 0; i < address.Length; i++)
        {
            var bitsHere = Math.Clamp(prefixLength - (i * 8), 0, 8);
            masked[i] = (byte)(address[i] & (byte)(0xFF << (8 - bitsHere)));
        }
        return masked;
    }
}
