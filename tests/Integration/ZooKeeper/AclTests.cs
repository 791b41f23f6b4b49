using JobLog.Integration.Fixtures;
using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using Xunit;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper;

[Collection(ZooKeeperFixture.Collection)]
public sealed class AclTests(ZooKeeperFixture zookeeper) : ClientTestBase(zookeeper)
{
    private ZooKeeperClient _stranger = null!;

    /// <summary>Creates the test's znodes; the stranger is a second session.</summary>
    private ZooKeeperClient Owner => Client;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _stranger = await ConnectAsync(Fixture.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _stranger.DisposeAsync();
    }

    [Fact]
    public async Task A_digest_acl_refuses_another_identity_with_NoAuth()
    {
        await Owner.AddDigestAuthAsync("alice", "secret", Timeout());
        var path = await Owner.CreateAsync($"{Root}/d", Bytes("mine"), CreateMode.Persistent, [Acl.Digest("alice", "secret")], Timeout());
        await _stranger.AddDigestAuthAsync("mallory", "guess", Timeout());

        var error = await Assert.ThrowsAsync<NoAuthException>(() => _stranger.GetDataAsync(path, false, Timeout()));

        Assert.Equal(path, error.Path);
        Assert.Equal("mine", Text((await Owner.GetDataAsync(path, false, Timeout())).Data));
    }

    [Fact]
    public async Task A_digest_acl_admits_a_session_with_the_same_credentials()
    {
        await Owner.AddDigestAuthAsync("alice", "secret", Timeout());
        var path = await Owner.CreateAsync($"{Root}/d", Bytes("shared"), CreateMode.Persistent, [Acl.Digest("alice", "secret")], Timeout());

        await _stranger.AddDigestAuthAsync("alice", "secret", Timeout());

        Assert.Equal("shared", Text((await _stranger.GetDataAsync(path, false, Timeout())).Data));
    }

    [Fact]
    public async Task A_creator_all_acl_belongs_to_the_authenticated_creator()
    {
        await Owner.AddDigestAuthAsync("bob", "pw", Timeout());
        var path = await Owner.CreateAsync($"{Root}/c", Bytes("x"), CreateMode.Persistent, Acl.CreatorAll, Timeout());

        await Assert.ThrowsAsync<NoAuthException>(() => _stranger.SetDataAsync(path, Bytes("y"), -1, Timeout()));
        await Owner.SetDataAsync(path, Bytes("z"), -1, Timeout());
    }

    [Fact]
    public async Task A_creator_all_acl_without_credentials_is_an_InvalidAcl()
    {
        await Assert.ThrowsAsync<InvalidAclException>(
            () => _stranger.CreateAsync($"{Root}/c", Bytes(""), CreateMode.Persistent, Acl.CreatorAll, Timeout()));
    }

    [Fact]
    public async Task A_read_only_acl_allows_reads_and_refuses_writes()
    {
        var path = await Owner.CreateAsync($"{Root}/r", Bytes("ro"), CreateMode.Persistent, Acl.ReadOnly, Timeout());

        Assert.Equal("ro", Text((await _stranger.GetDataAsync(path, false, Timeout())).Data));
        await Assert.ThrowsAsync<NoAuthException>(() => _stranger.SetDataAsync(path, Bytes("rw"), -1, Timeout()));
    }

    [Fact]
    public void The_digest_id_matches_the_server_formula()
    {
        // Known value: the id zkCli's DigestAuthenticationProvider computes for super:test.
        Assert.Equal("super:D/InIHSb7yEEbrWz8b9l71RjZJU=", Acl.DigestId("super", "test"));
    }
}
