namespace JobLog.Integration.Cluster;

/// <summary>
/// Test traits. <see cref="Extended"/> marks the slower cluster fault tests that the default <c>./joblog test</c> leaves
/// out to stay fast: a node killed in the middle of a burst (the default leader-crash test kills a node under load too),
/// PostgreSQL crashing, a ZooKeeper ensemble losing a server. <c>./joblog test --all</c> runs them with the rest,
/// <c>./joblog test --filter Category=Extended</c> runs only them.
/// </summary>
public static class TestCategories
{
    public const string Name = "Category";

    public const string Extended = "Extended";
}
