namespace JobLog.Dispatch.Delivery;

/// <summary>How one attempt of a delivery ended.</summary>
internal enum AttemptKind
{
    /// <summary>The target answered 2xx.</summary>
    Delivered,

    /// <summary>The target answered with any other status.</summary>
    Answered,

    /// <summary>No answer within the target's timeout.</summary>
    TimedOut,

    /// <summary>No connection, or it broke before an answer.</summary>
    ConnectionFailed,

    /// <summary>The target policy refused every address of the host; nothing was connected to.</summary>
    Refused,

    /// <summary>The host's circuit breaker is open; nothing was sent.</summary>
    CircuitOpen,

    /// <summary>The dispatcher declined to begin the attempt; nothing was sent.</summary>
    NotBegun,
}
