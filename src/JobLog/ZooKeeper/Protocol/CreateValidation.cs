using JobLog.ZooKeeper.Client;

namespace JobLog.ZooKeeper.Protocol;

internal static class CreateValidation
{
    public static bool IsTtl(CreateMode mode) => mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;

    public static bool IsSequential(CreateMode mode) =>
        mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;

    public static void ThrowIfInvalid(CreateMode mode, TimeSpan? ttl)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown create mode.");
        if (IsTtl(mode) && (ttl is null || ttl.Value <= TimeSpan.Zero))
            throw new ArgumentException($"Create mode {mode} needs a positive TTL.", nameof(ttl));
        if (!IsTtl(mode) && ttl is not null)
            throw new ArgumentException($"A TTL is only valid with a *WithTtl create mode, not {mode}.", nameof(ttl));
    }
}
