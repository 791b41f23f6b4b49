using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace JobLog.Integration.Fixtures;

/// <summary>An API key the test nodes are configured with (as a hash) and the clients send.</summary>
public sealed record TestKey(string Name, string Role)
{
    /// <summary>The key itself: fixed per name, so a node started by one test and a client made by another agree.</summary>
    public string Secret { get; } =
        "jl_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"joblog test key {Name}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Hash => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));

    public AuthenticationHeaderValue Bearer => new("Bearer", Secret);

    /// <summary>The header line for a request written by hand.</summary>
    public string HeaderLine => $"Authorization: Bearer {Secret}\r\n";
}
