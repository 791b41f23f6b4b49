namespace JobLog.ZooKeeper;

internal sealed class MultiRequest(IReadOnlyList<MultiOp> ops) : Request<MultiResult>(null)
{
    public override int OpCode => ZooKeeper.OpCode.Multi;

    public override void WriteBody(FrameWriter writer, string? chroot)
    {
        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case MultiOpKind.Create:
                    WriteHeader(writer, ZooKeeper.OpCode.ForCreate(op.Mode), done: false);
                    CreateRequest.Write(writer, chroot, op.Path, op.Data, op.Mode, op.Acl, op.Ttl);
                    break;
                case MultiOpKind.Delete:
                    WriteHeader(writer, ZooKeeper.OpCode.Delete, done: false);
                    writer.WritePath(chroot, op.Path);
                    writer.WriteInt(op.Version);
                    break;
                case MultiOpKind.SetData:
                    WriteHeader(writer, ZooKeeper.OpCode.SetData, done: false);
                    SetDataRequest.Write(writer, chroot, op.Path, op.Data, op.Version);
                    break;
                case MultiOpKind.Check:
                    WriteHeader(writer, ZooKeeper.OpCode.Check, done: false);
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
                ZooKeeper.OpCode.Create => new MultiOpResult(MultiOpKind.Create, ErrorCode.Ok, client.StripChroot(body.ReadRequiredString()), null),
                ZooKeeper.OpCode.Create2 or ZooKeeper.OpCode.CreateContainer or ZooKeeper.OpCode.CreateTtl =>
                    new MultiOpResult(MultiOpKind.Create, ErrorCode.Ok, client.StripChroot(body.ReadRequiredString()), body.ReadStat()),
                ZooKeeper.OpCode.SetData => new MultiOpResult(MultiOpKind.SetData, ErrorCode.Ok, ops[results.Count].Path, body.ReadStat()),
                ZooKeeper.OpCode.Delete => new MultiOpResult(MultiOpKind.Delete, ErrorCode.Ok, ops[results.Count].Path, null),
                ZooKeeper.OpCode.Check => new MultiOpResult(MultiOpKind.Check, ErrorCode.Ok, ops[results.Count].Path, null),
                ZooKeeper.OpCode.MultiError => new MultiOpResult(null, (ErrorCode)body.ReadInt(), ops[results.Count].Path, null),
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
