using System.Net;
using JobLog.Dispatch.Delivery;

namespace JobLog.Properties.Dispatch.Delivery;

public sealed class AddressRangeTests
{
    [Property(MaxTest = 2000, Arbitrary = [typeof(DeliveryArbitraries)])]
    public bool An_ipv4_range_holds_exactly_the_addresses_that_share_its_prefix(V4Case c)
    {
        var expected = c.Prefix == 0 || (c.Address >> (32 - c.Prefix)) == (c.Network >> (32 - c.Prefix));
        var range = AddressRange.Parse(c.Range);
        var address = V4Case.V4(c.Address);
        return range.Contains(address) == expected && range.Contains(address.MapToIPv6()) == expected;
    }

    [Property(MaxTest = 2000, Arbitrary = [typeof(DeliveryArbitraries)])]
    public bool An_ipv6_range_holds_exactly_the_addresses_that_share_its_prefix(V6Case c)
    {
        var expected = c.Prefix == 0 || (c.Address >> (128 - c.Prefix)) == (c.Network >> (128 - c.Prefix));
        var address = V6Case.V6(c.Address);
        // An IPv4-mapped address is judged as the IPv4 address it maps (the properties above and below cover it).
        return address.IsIPv4MappedToIPv6 || AddressRange.Parse(c.Range).Contains(address) == expected;
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(DeliveryArbitraries)])]
    public bool A_range_holds_its_first_and_last_address_and_not_their_neighbours(V4Case c)
    {
        var range = AddressRange.Parse(c.Range);
        return range.Contains(V4Case.V4(c.Network))
            && range.Contains(V4Case.V4(c.Last))
            && (c.Network == 0 || !range.Contains(V4Case.V4(c.Network - 1)))
            && (c.Last == uint.MaxValue || !range.Contains(V4Case.V4(c.Last + 1)));
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(DeliveryArbitraries)])]
    public bool An_ipv4_mapped_range_is_the_ipv4_range_it_maps(V4Case c)
    {
        var mapped = AddressRange.Parse($"::ffff:{V4Case.V4(c.Network)}/{c.Prefix + 96}");
        return mapped == AddressRange.Parse(c.Range) && mapped.ToString() == c.Range;
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(DeliveryArbitraries)])]
    public bool A_range_reads_back_from_its_text(V6Case c)
    {
        var range = AddressRange.Parse(c.Range);
        return AddressRange.Parse(range.ToString()) == range;
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1/32")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254/128")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("::/0", "::/0")]
    [InlineData("::ffff:169.254.0.0/112", "169.254.0.0/16")]
    public void A_bare_address_is_a_range_of_one_and_a_mapped_range_is_ipv4(string text, string expected) =>
        Assert.Equal(expected, AddressRange.Parse(text).ToString());

    [Theory]
    [InlineData("10.0.0.0/33", "has prefix length '33'; an IPv4 range takes 0 to 32.")]
    [InlineData("fe80::/129", "has prefix length '129'; an IPv6 range takes 0 to 128.")]
    [InlineData("10.0.0.0/", "has prefix length ''; an IPv4 range takes 0 to 32.")]
    [InlineData("10.0.0.0/-1", "has prefix length '-1'; an IPv4 range takes 0 to 32.")]
    [InlineData("10.0.0.0/ 8", "has prefix length ' 8'; an IPv4 range takes 0 to 32.")]
    [InlineData("10.0.0.1/8", "has bits set after its /8 prefix; the range is written 10.0.0.0/8.")]
    [InlineData("fe80::1/10", "has bits set after its /10 prefix; the range is written fe80::/10.")]
    [InlineData("10.0.0/8", "is not a CIDR range: '10.0.0' is not an IPv4 address of four numbers 0-255 or an IPv6 address.")]
    [InlineData("010.0.0.0/8", "is not a CIDR range: '010.0.0.0' is not an IPv4 address of four numbers 0-255 or an IPv6 address.")]
    [InlineData("256.0.0.0/8", "is not a CIDR range: '256.0.0.0' is not an IPv4 address of four numbers 0-255 or an IPv6 address.")]
    [InlineData("localhost", "is not a CIDR range: 'localhost' is not an IPv4 address of four numbers 0-255 or an IPv6 address.")]
    [InlineData("fe80::1%eth0", "is not a CIDR range: 'fe80::1%eth0' is not an IPv6 address.")]
    [InlineData(" ", "is empty; expected a CIDR range such as 10.0.0.0/8 or fd00::/8.")]
    public void A_malformed_range_is_refused_with_the_reason(string text, string error)
    {
        Assert.False(AddressRange.TryParse(text, out _, out var actual));
        Assert.Equal(error, actual);
    }

    [Fact]
    public void A_scoped_link_local_address_is_in_the_link_local_range()
    {
        var scoped = IPAddress.Parse("fe80::1%2");
        Assert.True(AddressRange.Parse("fe80::/10").Contains(scoped));
    }

    [Fact]
    public void An_ipv4_range_holds_no_ipv6_address_but_the_mapped_ones()
    {
        var everything = AddressRange.Parse("0.0.0.0/0");
        Assert.False(everything.Contains(IPAddress.Parse("2001:db8::1")));
        Assert.False(everything.Contains(IPAddress.Parse("::1")));
        Assert.True(everything.Contains(IPAddress.Parse("::ffff:8.8.8.8")));
    }
}
