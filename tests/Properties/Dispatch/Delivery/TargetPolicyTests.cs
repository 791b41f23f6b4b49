using System.Net;
using JobLog.Dispatch.Delivery;

namespace JobLog.Properties.Dispatch.Delivery;

public sealed class TargetPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", "169.254.0.0/16")]
    [InlineData("::ffff:169.254.169.254", "169.254.0.0/16")]
    [InlineData("127.0.0.1", "127.0.0.0/8")]
    [InlineData("127.255.255.255", "127.0.0.0/8")]
    [InlineData("::1", "::1/128")]
    [InlineData("::ffff:127.0.0.1", "127.0.0.0/8")]
    [InlineData("0.0.0.0", "0.0.0.0/8")]
    [InlineData("::", "::/128")]
    [InlineData("fe80::1", "fe80::/10")]
    [InlineData("febf:ffff::1", "fe80::/10")]
    [InlineData("224.0.0.1", "224.0.0.0/4")]
    [InlineData("239.255.255.255", "224.0.0.0/4")]
    [InlineData("ff02::1", "ff00::/8")]
    [InlineData("100.100.100.200", "100.100.100.200/32")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254/128")]
    public void The_defaults_refuse_loopback_link_local_metadata_multicast_and_unspecified_addresses(string address, string range)
    {
        var refusal = TargetPolicy.Default.Check(IPAddress.Parse(address));
        Assert.NotNull(refusal);
        Assert.Equal(range, refusal.DeniedBy.ToString());
        Assert.Equal($"refused by the target policy: {AddressRange.Normalize(IPAddress.Parse(address))} is in the denied range {range}", refusal.Reason);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("10.0.0.7")]
    [InlineData("128.0.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("240.0.0.0")]
    [InlineData("100.100.100.201")]
    [InlineData("2001:db8::1")]
    [InlineData("::2")]
    [InlineData("fec0::1")]
    [InlineData("fd00:ec2::253")]
    public void The_defaults_allow_other_addresses(string address) =>
        Assert.Null(TargetPolicy.Default.Check(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_range_lets_through_only_what_it_holds()
    {
        var policy = new TargetPolicy([AddressRange.Parse("127.0.0.1/32")], []);
        Assert.Null(policy.Check(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Check(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.NotNull(policy.Check(IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(policy.Check(IPAddress.Parse("::1")));
    }

    [Fact]
    public void The_narrowest_denied_range_is_named()
    {
        var policy = new TargetPolicy([], [AddressRange.Parse("127.0.0.0/24")]);
        Assert.Equal("127.0.0.0/24", policy.Check(IPAddress.Parse("127.0.0.9"))!.DeniedBy.ToString());
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(DeliveryArbitraries)])]
    public Property An_address_is_refused_exactly_when_a_denied_range_holds_it_and_no_allowed_range_does(PolicyCase c)
    {
        static bool Holds(V4Case range, uint address) =>
            range.Prefix == 0 || (address >> (32 - range.Prefix)) == (range.Network >> (32 - range.Prefix));
        var policy = new TargetPolicy(c.Allow.Select(r => AddressRange.Parse(r.Range)), c.Deny.Select(r => AddressRange.Parse(r.Range)));
        var expected = c.Deny.Any(r => Holds(r, c.Address)) && !c.Allow.Any(r => Holds(r, c.Address));
        var refusal = policy.Check(V4Case.V4(c.Address));
        return (refusal is not null == expected)
            .Label($"expected {(expected ? "refused" : "allowed")}, got {refusal?.Reason ?? "allowed"}")
            .And(refusal is null || refusal.DeniedBy.Contains(V4Case.V4(c.Address)))
            .Label("the named range holds the address");
    }
}
