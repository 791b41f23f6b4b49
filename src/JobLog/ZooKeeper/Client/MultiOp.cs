using JobLog.ZooKeeper.Protocol;

namespace JobLog.ZooKeeper.Client;

/// <summary>One operation of an atomic multi; build it with the static factories.</summary>
public sealed record MultiOp
{
    private MultiOp(MultiOpKind kind, string path)
    {
        Kind = kind;
        Path = path;
    }

    public MultiOpKind Kind { get; }

    public string Path { get; }

    public ReadOnlyMemory<byte> Data { get; private init; }

    public int Version { get; private init; } = -1;

    public CreateMode Mode { get; private init; }

    public IReadOnlyList<Acl> Acl { get; private init; } = Client.Acl.Open;

    public TimeSpan? Ttl { get; private init; }

    public static MultiOp Create(string path, ReadOnlyMemory<byte> data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null, TimeSpan? ttl = null)
    {
        CreateValidation.ThrowIfInvalid(mode, ttl);
        return new MultiOp(MultiOpKind.Create, path) { Data = data, Mode = mode, Acl = acl ?? Client.Acl.Open, Ttl = ttl };
    }

    public static MultiOp Delete(string path, int version = -1) => new(MultiOpKind.Delete, path) { Version = version };

    public static MultiOp SetData(string path, ReadOnlyMemory<byte> data, int version = -1) =>
        new(MultiOpKind.SetData, path) { Data = data, Version = version };

    /// <summary>Fails the whole multi unless the node is at <paramref name="version"/>.</summary>
    public static MultiOp Check(string path, int version) => new(MultiOpKind.Check, path) { Version = version };
}
