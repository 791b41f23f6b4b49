using System.Xml.Linq;

namespace JobLog.Secrets;

/// <summary>The key ring of a node on the in-memory event store: it lives and dies with the events it decrypts.</summary>
public sealed class InMemoryKeyRingStorage : IKeyRingStorage
{
    private readonly Lock _gate = new();
    private readonly List<XElement> _elements = [];
    private readonly SemaphoreSlim _ringLock = new(1, 1);
    private string? _fingerprintKey;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
            return [.. _elements.Select(e => new XElement(e))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
            _elements.Add(new XElement(element));
    }

    public async Task<T> WithLockAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _ringLock.WaitAsync(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            _ringLock.Release();
        }
    }

    public Task<string> GetOrAddFingerprintKeyAsync(string candidate, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(_fingerprintKey ??= candidate);
    }
}
