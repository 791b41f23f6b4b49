namespace JobLog.Properties.Node;

/// <summary>What the store's global sequence holds around one event besides the event itself.</summary>
public enum FeedNoise
{
    None,

    /// <summary>A row the store wrote for itself comes first (as Marten's tombstones after a failed append).</summary>
    FillerBefore,

    /// <summary>A number taken by an append that rolled back comes first.</summary>
    RolledBackBefore,

    /// <summary>The event's number is taken, a later row commits, the node tails, and only then the event commits.</summary>
    CommittedLate,
}
