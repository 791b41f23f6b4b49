using Microsoft.AspNetCore.DataProtection.Repositories;

namespace JobLog.Secrets;

/// <summary>
/// Where the cluster keeps what decrypts its secrets: the Data Protection key ring (as the <see cref="IXmlRepository"/>
/// Data Protection reads and writes) and the fingerprint key. One place for every node (PostgreSQL, in the event store's
/// schema), never ZooKeeper.
/// </summary>
public interface IKeyRingStorage : IXmlRepository
{
    /// <summary>
    /// Runs <paramref name="work"/> holding the cluster-wide key ring lock, so that one node at a time looks for a usable
    /// key and creates one: nodes starting together on an empty ring end up with one key, not one each.
    /// </summary>
    Task<T> WithLockAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>The stored fingerprint key (protected); <paramref name="candidate"/> is stored first when there is none, so every caller gets the same one.</summary>
    Task<string> GetOrAddFingerprintKeyAsync(string candidate, CancellationToken cancellationToken);
}
