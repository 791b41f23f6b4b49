using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace JobLog.Bench;

/// <summary>
/// The API key of one bench run: made fresh, given to every node it starts as a hash, sent by every client. Its write
/// limit is lifted, because the benches measure the write path, not the limiter.
/// </summary>
public static class BenchKey
{
    private const string Name = "bench";

    private static readonly string Secret =
        "jl_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        [$"JobLog__Auth__ApiKeys__{Name}__Role"] = "admin",
        [$"JobLog__Auth__ApiKeys__{Name}__Hash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret))),
        ["JobLog__Auth__RateLimit__PermitLimit"] = $"{int.MaxValue}",
    };

    /// <summary>The client, sending the run's key.</summary>
    public static HttpClient Authorize(this HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        return client;
    }
}
