namespace JobLog.ZooKeeper.Errors;

/// <summary>The server sent something the protocol does not allow; the connection is dropped and re-established.</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
