using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;
using JobLog.ZooKeeper.Watches;

namespace JobLog.ZooKeeper.Protocol;

// The concrete requests are small and only meaningful together, so they share this file.

internal sealed class CreateRequest(string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl> acl, TimeSpan? ttl)
    : ResultRequest<CreatedNode>(path)
{
    public override int OpCode => Protocol.OpCode.ForCreate(mode);

    public override void WriteBody(FrameWriter writer, string? chroot) => Write(writer, chroot, NodePath, data, mode, acl, ttl);

    public static void Write(FrameWriter writer, string? chroot, string path, ReadOnlyMemory<byte> data, CreateMode mode, IReadOnlyList<Acl> acl, TimeSpan? ttl)
    {
        writer.WritePath(chroot, path);
        writer.WriteBuffer(data.Span);
        writer.WriteAcls(acl);
        writer.WriteInt((int)mode);
        if (ttl is { } value)
            writer.WriteLong((long)value.TotalMilliseconds);
    }

    protected override CreatedNode ReadResult(ref JuteReader body, ZooKeeperClient client) =>
        new(client.StripChroot(body.ReadRequiredString()), body.ReadStat());
}

internal sealed class DeleteRequest(string path, int version) : ResultRequest<bool>(path)
{
    public override int OpCode => Protocol.OpCode.Delete;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteInt(version);
    }

    protected override bool ReadResult(ref JuteReader body, ZooKeeperClient client) => true;
}

internal sealed class ExistsRequest(string path, bool watch) : Request<Stat?>(path)
{
    public override int OpCode => Protocol.OpCode.Exists;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteBool(watch);
    }

    public override void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client)
    {
        switch (error)
        {
            case ErrorCode.Ok:
                var stat = body.ReadStat();
                if (watch)
                    client.Watches.Add(WatchKind.Data, NodePath);
                Succeed(stat);
                break;
            case ErrorCode.NoNode:
                // The server keeps an exists-watch on a missing node; it fires NodeCreated later.
                if (watch)
                    client.Watches.Add(WatchKind.Exist, NodePath);
                Succeed(null);
                break;
            default:
                Fail(error);
                break;
        }
    }
}

internal sealed class GetDataRequest(string path, bool watch) : ResultRequest<NodeData>(path)
{
    public override int OpCode => Protocol.OpCode.GetData;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteBool(watch);
    }

    protected override NodeData ReadResult(ref JuteReader body, ZooKeeperClient client)
    {
        var data = body.ReadBuffer() ?? [];
        var stat = body.ReadStat();
        if (watch)
            client.Watches.Add(WatchKind.Data, NodePath);
        return new NodeData(data, stat);
    }
}

internal sealed class SetDataRequest(string path, ReadOnlyMemory<byte> data, int version) : ResultRequest<Stat>(path)
{
    public override int OpCode => Protocol.OpCode.SetData;

    public override void WriteBody(FrameWriter writer, string? chroot) => Write(writer, chroot, NodePath, data, version);

    public static void Write(FrameWriter writer, string? chroot, string path, ReadOnlyMemory<byte> data, int version)
    {
        writer.WritePath(chroot, path);
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
    }

    protected override Stat ReadResult(ref JuteReader body, ZooKeeperClient client) => body.ReadStat();
}

internal sealed class GetChildrenRequest(string path, bool watch) : ResultRequest<NodeChildren>(path)
{
    public override int OpCode => Protocol.OpCode.GetChildren2;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteBool(watch);
    }

    protected override NodeChildren ReadResult(ref JuteReader body, ZooKeeperClient client)
    {
        var count = body.ReadInt();
        if (count < -1 || count > body.Remaining / 4)
            throw new ProtocolViolationException($"child count {count} does not fit the frame");
        var children = new string[Math.Max(count, 0)];
        for (var i = 0; i < children.Length; i++)
            children[i] = body.ReadRequiredString();
        var stat = body.ReadStat();
        if (watch)
            client.Watches.Add(WatchKind.Child, NodePath);
        return new NodeChildren(children, stat);
    }
}

internal sealed class SyncRequest(string path) : ResultRequest<string>(path)
{
    public override int OpCode => Protocol.OpCode.Sync;

    public override void WriteBody(FrameWriter writer, string? chroot) => writer.WritePath(chroot, NodePath);

    protected override string ReadResult(ref JuteReader body, ZooKeeperClient client) => client.StripChroot(body.ReadRequiredString());
}

internal sealed class AddWatchRequest(string path, AddWatchMode mode) : ResultRequest<bool>(path)
{
    public override int OpCode => Protocol.OpCode.AddWatch;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteInt((int)mode);
    }

    protected override bool ReadResult(ref JuteReader body, ZooKeeperClient client)
    {
        client.Watches.Add(mode == AddWatchMode.Persistent ? WatchKind.Persistent : WatchKind.PersistentRecursive, NodePath);
        return true;
    }
}

internal sealed class RemoveWatchesRequest(string path, WatcherType type) : ResultRequest<bool>(path)
{
    public override int OpCode => Protocol.OpCode.RemoveWatches;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        writer.WritePath(chroot, NodePath);
        writer.WriteInt((int)type);
    }

    /// <summary>Runs on the reader, so the invented *WatchRemoved events take the reply's place among the server's events.</summary>
    protected override bool ReadResult(ref JuteReader body, ZooKeeperClient client)
    {
        foreach (var eventType in client.Watches.Remove(NodePath, type))
            client.Dispatcher.Publish(new WatchEvent(eventType, NodePath));
        return true;
    }
}

internal sealed class CloseSessionRequest() : Request<bool>(null)
{
    public override int OpCode => Protocol.OpCode.CloseSession;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
    }

    public override void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client) => Succeed(true);
}

/// <summary>xid −4; the server answers auth out of band (ahead of queued requests), so these are matched on their own queue.</summary>
internal sealed class AuthRequest(string scheme, byte[] auth) : ResultRequest<bool>(null)
{
    public string Scheme => scheme;

    public byte[] Auth => auth;

    public override int OpCode => Protocol.OpCode.Auth;

    public override void WriteBody(FrameWriter writer, string? chroot) => Write(writer, scheme, auth);

    public static void Write(FrameWriter writer, string scheme, byte[] auth)
    {
        writer.WriteInt(0);
        writer.WriteString(scheme);
        writer.WriteBuffer(auth);
    }

    protected override bool ReadResult(ref JuteReader body, ZooKeeperClient client) => true;
}

/// <summary>xid −2; fire-and-forget, never completed, so one instance serves every ping.</summary>
internal sealed class PingRequest() : Request<bool>(null)
{
    public static PingRequest Instance { get; } = new();

    public override int OpCode => Protocol.OpCode.Ping;

    public override bool IsCompleted => false;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
    }

    public override void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client)
    {
    }
}
