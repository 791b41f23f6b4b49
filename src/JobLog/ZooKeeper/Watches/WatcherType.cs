namespace JobLog.ZooKeeper.Watches;

/// <summary>
/// Which watches <c>removeWatches</c> removes; the values are the wire codes. The 3.8 server refuses the
/// persistent-only codes (MarshallingError), so persistent and persistent-recursive watches are removed with <see cref="Any"/>.
/// </summary>
public enum WatcherType
{
    Children = 1,
    Data = 2,
    Any = 3,
}
