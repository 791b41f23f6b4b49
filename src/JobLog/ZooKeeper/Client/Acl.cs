using System.Security.Cryptography;
using System.Text;

namespace JobLog.ZooKeeper.Client;

/// <summary>One access control entry: permissions granted to an identity (<paramref name="Scheme"/>:<paramref name="Id"/>).</summary>
public sealed record Acl(Permissions Permissions, string Scheme, string Id)
{
    /// <summary>world:anyone ALL.</summary>
    public static IReadOnlyList<Acl> Open { get; } = [new(Permissions.All, "world", "anyone")];

    /// <summary>world:anyone READ.</summary>
    public static IReadOnlyList<Acl> ReadOnly { get; } = [new(Permissions.Read, "world", "anyone")];

    /// <summary>auth:"" ALL: every identity the creating session has authenticated with.</summary>
    public static IReadOnlyList<Acl> CreatorAll { get; } = [new(Permissions.All, "auth", "")];

    /// <summary>digest:user:base64(sha1("user:password")) with the given permissions.</summary>
    public static Acl Digest(string user, string password, Permissions permissions = Permissions.All) =>
        new(permissions, "digest", DigestId(user, password));

    /// <summary>The digest scheme's id for a user, as the server computes it.</summary>
    public static string DigestId(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return $"{user}:{Convert.ToBase64String(hash)}";
    }
}
