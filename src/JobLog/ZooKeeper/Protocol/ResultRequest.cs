using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>
/// A request whose reply is either an error, which fails the caller, or a body that <see cref="ReadResult"/> turns into
/// the caller's value. Requests for which some error is an answer (exists on a missing node) handle replies themselves.
/// </summary>
internal abstract class ResultRequest<T>(string? path) : Request<T>(path)
{
    public sealed override void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client)
    {
        if (error != ErrorCode.Ok)
            Fail(error);
        else
            Succeed(ReadResult(ref body, client));
    }

    /// <summary>Reads a successful reply and records what it armed (a watch); runs on the reader task.</summary>
    protected abstract T ReadResult(ref JuteReader body, ZooKeeperClient client);
}
