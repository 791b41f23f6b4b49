using System.Security.Cryptography;
using System.Text;

namespace JobLog.Api.Auth;

/// <summary>
/// The stored form of an API key: <c>sha256:&lt;64 hex digits&gt;</c> of the key's UTF-8 text, the algorithm named so a
/// later one can sit beside it. A plain hash is enough because the keys are 256-bit random values, not passwords:
/// nobody can guess one to match a leaked hash, so a slow, salted hash would only cost CPU on every request.
/// </summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>What every key begins with, so secret scanners can find a leaked one.</summary>
    public const string KeyPrefix = "jl_";

    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Format(byte[] hash) => Prefix + Convert.ToHexStringLower(hash);

    /// <summary>The hash in a configured value, or null when it is not <c>sha256:</c> and 64 hex digits.</summary>
    public static byte[]? Parse(string? text)
    {
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var hex = text.AsSpan(Prefix.Length);
        if (hex.Length != SHA256.HashSizeInBytes * 2)
            return null;
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
                return null;
        }
        return Convert.FromHexString(hex);
    }

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="stored"/>, in time independent of where they differ.</summary>
    public static bool Matches(byte[] presented, byte[] stored) => CryptographicOperations.FixedTimeEquals(presented, stored);
}
