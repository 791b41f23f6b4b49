using JobLog.ZooKeeper.Errors;

namespace JobLog.Testing.ZooKeeperModel;

/// <summary>A result code the model's server answers with; the client turns it into the real client's exception.</summary>
internal sealed class ServerError(ErrorCode code) : Exception($"ZooKeeper error {code}")
{
    public ErrorCode Code { get; } = code;
}
