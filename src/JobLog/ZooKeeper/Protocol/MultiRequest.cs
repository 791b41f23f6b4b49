using JobLog.ZooKeeper.Client;
using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Protocol;

internal sealed class MultiRequest(IReadOnlyList<MultiOp> ops) : Request<MultiResult>(null)
{
    public override int OpCode => Protocol.OpCode.Multi;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case MultiOpKind.Create:
                    WriteHeader(writer, Protocol.OpCode.ForCreate(op.Mode), done: false);
                    CreateRequest.Write(writer, chroot, op.Path, op.Data, op.Mode, op.Acl, op.Ttl);
                    break;
                case MultiOpKind.Delete:
                    WriteHeader(writer, Protocol.OpCode.Delete, done: false);
                    writer.WritePath(chroot, op.Path);
                    writer.WriteInt(op.Version);
                    break;
                case MultiOpKind.SetData:
                    WriteHeader(writer, Protocol.OpCode.SetData, done: false);
                    SetDataRequest.Write(writer, chroot, op.Path, op.Data, op.Version);
                    break;
                case MultiOpKind.Check:
                    WriteHeader(writer, Protocol.OpCode.Check, done: false);
                    writer.WritePath(chroot, op.Path);
                    writer.WriteInt(op.Version);
                    break;
            }
        }

        WriteHeader(writer, -1, done: true);
    }

    public override void OnReply(ErrorCode error, ref JuteReader body, ZooKeeperClient client)
    {
        if (error != ErrorCode.Ok)
        {
            Fail(error);
            return;
        }

        var results = new List<MultiOpResult>(ops.Count);
        while (true)
        {
            var type = body.ReadInt();
            var done = body.ReadBool();
            body.ReadInt();
            if (done)
                break;
            if (results.Count >= ops.Count)
                throw new ProtocolViolationException("multi reply has more results than operations");
            results.Add(type switch
            {
                Protocol.OpCode.Create => new MultiOpResult(MultiOpKind.Create, ErrorCode.Ok, client.StripChroot(body.ReadRequiredString()), null),
                Protocol.OpCode.Create2 or Protocol.OpCode.CreateContainer or Protocol.OpCode.CreateTtl =>
                    new MultiOpResult(MultiOpKind.Create, ErrorCode.Ok, client.StripChroot(body.ReadRequiredString()), body.ReadStat()),
                Protocol.OpCode.SetData => new MultiOpResult(MultiOpKind.SetData, ErrorCode.Ok, ops[results.Count].Path, body.ReadStat()),
                Protocol.OpCode.Delete => new MultiOpResult(MultiOpKind.Delete, ErrorCode.Ok, ops[results.Count].Path, null),
                Protocol.OpCode.Check => new MultiOpResult(MultiOpKind.Check, ErrorCode.Ok, ops[results.Count].Path, null),
                Protocol.OpCode.MultiError => new MultiOpResult(null, (ErrorCode)body.ReadInt(), ops[results.Count].Path, null),
                _ => throw new ProtocolViolationException($"unexpected multi result type {type}"),
            });
        }

        if (results.Count != ops.Count)
            throw new ProtocolViolationException($"multi reply has {results.Count} results for {ops.Count} operations");
        Succeed(new MultiResult(results));
    }

    private static void WriteHeader(FrameWriter writer, int type, bool done)
    {
        writer.WriteInt(type);
        writer.WriteBool(done);
        writer.WriteInt(-1);
    }
}
