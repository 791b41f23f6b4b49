using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

/// <summary>One request on its way: serialised by the writer task, completed by the reader task.</summary>
internal abstract class Request
{
    protected Request(string? path) => Path = path;

    /// <summary>Client-side path, for error messages.</summary>
    public string? Path { get; }

    /// <summary>The path of requests that have one.</summary>
    protected string NodePath => Path!;

    public int Xid { get; set; }

    /// <summary>The client's <see cref="ZooKeeperClient.Uptime"/> after which the caller gets <see cref="OperationTimeoutException"/>.</summary>
    public TimeSpan Deadline { get; set; }

    public abstract int OpCode { get; }

    public abstract bool IsCompleted { get; }

    public abstract void WriteBody(FrameWriter writer, string? chroot);

    /// <summary>Handles the reply; runs on the reader task, so it must not block. The body is present only when err is 0.</summary>
    public abstract void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client);

    public abstract bool TryFail(Exception exception);
}
