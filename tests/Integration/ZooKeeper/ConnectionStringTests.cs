using JobLog.ZooKeeper.Client;
using Xunit;

namespace JobLog.Integration.ZooKeeper;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Several_hosts_and_a_chroot_are_parsed_in_order()
    {
        var parsed = ZooKeeperConnectionString.Parse("zk1:2181, zk2:2182,10.0.0.3:2183/app/jobs");

        Assert.Equal(["zk1:2181", "zk2:2182", "10.0.0.3:2183"], parsed.Servers.Select(s => $"{s.Host}:{s.Port}"));
        Assert.Equal("/app/jobs", parsed.Chroot);
    }

    [Fact]
    public void A_bracketed_ipv6_host_is_parsed()
    {
        var parsed = ZooKeeperConnectionString.Parse("[::1]:2181");

        Assert.Equal("::1", parsed.Servers[0].Host);
        Assert.Equal(2181, parsed.Servers[0].Port);
        Assert.Null(parsed.Chroot);
    }

    [Fact]
    public void A_bare_slash_chroot_means_no_chroot()
    {
        Assert.Null(ZooKeeperConnectionString.Parse("h:1/").Chroot);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host", "no port")]
    [InlineData("host:", "invalid port")]
    [InlineData("host:70000", "invalid port")]
    [InlineData("host:abc", "invalid port")]
    [InlineData(":2181", "no host")]
    [InlineData("a:1,,b:2", "Empty server entry")]
    [InlineData("a:1/app/", "must not end with '/'")]
    [InlineData("a:1/app//x", "not a valid path")]
    [InlineData("a:1/app/../x", "'.' or '..'")]
    [InlineData("::1:2181", "IPv6")]
    public void A_malformed_connection_string_is_refused_with_a_message_naming_the_fault(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ZooKeeperConnectionString.Parse(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Connecting_with_a_malformed_connection_string_fails_before_any_network_call()
    {
        await Assert.ThrowsAsync<FormatException>(() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions("nonsense"), CancellationToken.None));
    }
}
