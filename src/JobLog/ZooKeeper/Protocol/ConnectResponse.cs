namespace JobLog.ZooKeeper.Protocol;

internal sealed record ConnectResponse(int TimeoutMs, long SessionId, byte[] Password, bool ReadOnly);
