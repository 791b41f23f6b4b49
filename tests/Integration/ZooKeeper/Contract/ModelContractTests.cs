using JobLog.Testing.ZooKeeperModel;
using JobLog.ZooKeeper.Client;

namespace JobLog.Integration.ZooKeeper.Contract;

/// <summary>The contract run against <see cref="InMemoryZooKeeper"/>: faults are the model's, delivery happens when a test reads events.</summary>
public sealed class ModelContractTests : ZooKeeperContract
{
    private readonly InMemoryZooKeeper _model = new();

    // The model's events are there at once or never; a short wait only bounds how long a failing test takes.
    protected override TimeSpan Patience => TimeSpan.FromSeconds(5);

    protected override Task<IZooKeeperClient> OpenAsync(string? chroot) => Task.FromResult<IZooKeeperClient>(_model.Connect(chroot));

    protected override Task DropConnectionAsync(IZooKeeperClient client)
    {
        Assert(_model.Disconnect(Model(client)), "disconnect");
        return Task.CompletedTask;
    }

    protected override Task RestoreConnectionAsync(IZooKeeperClient client)
    {
        Assert(_model.Reconnect(Model(client)), "reconnect");
        return Task.CompletedTask;
    }

    protected override Task ExpireSessionAsync(IZooKeeperClient client)
    {
        Assert(_model.Expire(Model(client)), "expire");
        return Task.CompletedTask;
    }

    protected override void Deliver(IZooKeeperClient client) => Model(client).DeliverAll();

    private static InMemoryZooKeeperClient Model(IZooKeeperClient client) => (InMemoryZooKeeperClient)client;

    private static void Assert(bool done, string fault)
    {
        if (!done)
            throw new InvalidOperationException($"The model had nothing to {fault}.");
    }
}
