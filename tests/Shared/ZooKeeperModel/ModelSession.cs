namespace JobLog.Testing.ZooKeeperModel;

/// <summary>A session as the server knows it: alive until closed or expired, with the identities it authenticated as.</summary>
internal sealed class ModelSession(long id)
{
    public long Id { get; } = id;

    public bool Alive { get; set; } = true;

    /// <summary>The client that holds the session; a session outlives a client that stopped without closing it.</summary>
    public InMemoryZooKeeperClient? Client { get; set; }

    /// <summary>The ids an <c>auth</c> ACL expands to (digest ids; ip ids are not "authenticated" in the server's sense).</summary>
    public List<(string Scheme, string Id)> AuthenticatedIds { get; } = [];
}
