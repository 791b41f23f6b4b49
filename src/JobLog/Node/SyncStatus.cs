namespace JobLog.Node;

/// <summary>
/// How far this node's schedule has come, and from where: loaded from the store or not, the store feed's position,
/// when the store was last read successfully or why it failed, and the highest global sequence applied from any source.
/// Lives beside the <see cref="ScheduleHolder"/>, which holds only the schedule.
/// </summary>
public sealed class SyncStatus(TimeProvider clock)
{
    private long _tailSequence;
    private long _appliedSequence;
    private long _lastStoreSyncTicks;
    private volatile bool _loaded;
    private readonly TaskCompletionSource _loadedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _storeError;
    private volatile ZooKeeperLink _zooKeeper = ZooKeeperLink.NotConfigured;

    /// <summary>True once every event committed before start-up has been folded.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Completes when <see cref="IsLoaded"/> becomes true.</summary>
    public Task Loaded => _loadedSignal.Task;

    /// <summary>The global sequence up to which the store's feed has been read and folded.</summary>
    public long TailSequence => Interlocked.Read(ref _tailSequence);

    /// <summary>The highest global sequence among the events this node has applied, from any source.</summary>
    public long AppliedSequence => Interlocked.Read(ref _appliedSequence);

    /// <summary>When the node last finished a successful read of the store; null before the first.</summary>
    public DateTimeOffset? LastStoreSyncAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastStoreSyncTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Why the last read of the store failed, or null when it succeeded.</summary>
    public string? StoreError => _storeError;

    /// <summary>How this node stands with ZooKeeper; while it is not <see cref="ZooKeeperLink.Connected"/> the store is tailed often.</summary>
    public ZooKeeperLink ZooKeeper => _zooKeeper;

    /// <summary>Raised after <see cref="ZooKeeper"/> changes (the store catch-up shortens or lengthens its wait).</summary>
    public event Action<ZooKeeperLink>? ZooKeeperChanged;

    /// <summary>Loaded, and the store was read successfully within <paramref name="maxLag"/>.</summary>
    public bool IsStoreCaughtUp(TimeSpan maxLag) =>
        _loaded && _storeError is null && LastStoreSyncAt is { } at && clock.GetUtcNow() - at <= maxLag;

    internal void AdvanceTail(long sequence) => RaiseTo(ref _tailSequence, sequence);

    internal void RecordApplied(long sequence) => RaiseTo(ref _appliedSequence, sequence);

    internal void MarkLoaded()
    {
        _loaded = true;
        _loadedSignal.TrySetResult();
    }

    internal void MarkStoreSynced()
    {
        Interlocked.Exchange(ref _lastStoreSyncTicks, clock.GetUtcNow().UtcTicks);
        _storeError = null;
    }

    internal void MarkStoreFailed(string reason) => _storeError = reason;

    internal void SetZooKeeper(ZooKeeperLink link)
    {
        if (_zooKeeper == link)
            return;
        _zooKeeper = link;
        ZooKeeperChanged?.Invoke(link);
    }

    private static void RaiseTo(ref long field, long value)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref field);
            if (value <= seen)
                return;
        }
        while (Interlocked.CompareExchange(ref field, value, seen) != seen);
    }
}
