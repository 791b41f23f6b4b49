using System.Net;

namespace JobLog.Dispatch.Delivery;

/// <summary>
/// Which addresses a call may connect to: an address is refused when it lies in a denied range and in no allowed range.
/// The denied ranges are <see cref="DefaultDeny"/> plus the configured ones, so configuring a range never drops the
/// protection of the defaults by accident; reaching a default-denied address (loopback for local targets) takes an
/// explicit allowed range.
/// </summary>
public sealed class TargetPolicy
{
    /// <summary>
    /// "This network", loopback, link-local (169.254.169.254 is the metadata service of most clouds), multicast, the
    /// unspecified address (connecting to it reaches the host itself), Alibaba's and AWS's IPv6 metadata addresses.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultDeny =
    [
        "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "100.100.100.200/32",
        "::/128", "::1/128", "fe80::/10", "ff00::/8", "fd00:ec2::254/128",
    ];

    private readonly IReadOnlyList<AddressRange> _allow;
    private readonly IReadOnlyList<AddressRange> _deny;

    public TargetPolicy(IEnumerable<AddressRange> allow, IEnumerable<AddressRange> deny)
    {
        _allow = [.. allow];
        _deny = [.. DefaultDeny.Select(AddressRange.Parse), .. deny];
    }

    /// <summary>The defaults only: nothing configured.</summary>
    public static TargetPolicy Default { get; } = new([], []);

    /// <summary>From validated settings (<see cref="DeliveryOptionsValidator"/> has reported any range that does not parse).</summary>
    public static TargetPolicy From(TargetPolicyOptions options) =>
        new(options.Allow.Select(AddressRange.Parse), options.Deny.Select(AddressRange.Parse));

    public IReadOnlyList<AddressRange> Allowed => _allow;

    public IReadOnlyList<AddressRange> Denied => _deny;

    /// <summary>Null when a connection to <paramref name="address"/> may be made; otherwise the narrowest denied range holding it.</summary>
    public TargetRefusal? Check(IPAddress address)
    {
        var normalized = AddressRange.Normalize(address);
        AddressRange? deniedBy = null;
        foreach (var range in _deny)
        {
            if (range.Contains(normalized) && (deniedBy is null || range.PrefixLength > deniedBy.Value.PrefixLength))
                deniedBy = range;
        }
        if (deniedBy is null || _allow.Any(range => range.Contains(normalized)))
            return null;
        return new TargetRefusal(normalized, deniedBy.Value);
    }
}
