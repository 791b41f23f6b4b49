using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Recipes;
using static JobLog.Integration.ZooKeeper.ZooKeeperTest;

namespace JobLog.Integration.ZooKeeper.Recipes;

/// <summary>One election candidate with a client (a session) of its own, whose watch events the test hands on.</summary>
internal sealed class Candidate : IAsyncDisposable
{
    private Candidate(ZooKeeperClient client, string parentPath, string id)
    {
        Client = client;
        Events = new WatchRecorder(client);
        Election = new LeaderElection(client, parentPath, id);
    }

    public ZooKeeperClient Client { get; }

    public WatchRecorder Events { get; }

    public LeaderElection Election { get; }

    public string Id => Election.CandidateId;

    /// <summary>The candidate's election node; fails when it has none.</summary>
    public string Node => Election.NodePath ?? throw new InvalidOperationException($"{Id} holds no election node");

    public static async Task<Candidate> StartAsync(string connectionString, string parentPath, string id)
    {
        var client = await ConnectAsync(connectionString);
        return new Candidate(client, parentPath, id);
    }

    /// <summary>Hands the events received so far to the election, as its owner would.</summary>
    public Task<List<ElectionChange>> DeliverAsync() => Events.HandOnAsync(Election.HandleAsync);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Events.DisposeAsync();
    }
}
