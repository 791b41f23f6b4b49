using System.Text.Json.Serialization;

namespace JobLog.Api.Api;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TargetRequest
{
    /// <summary>
    /// Absolute http or https URL, without credentials (user:password@). A secret query value (token, key, secret,
    /// password, code, sig... in its name) is stored encrypted and shown as <c>***</c>; <c>***</c> keeps the stored one.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>GET, POST, PUT, PATCH or DELETE in any case; default POST.</summary>
    public string? Method { get; init; }

    public Dictionary<string, string?>? Headers { get; init; }

    public string? Body { get; init; }

    /// <summary>1–300; default 30.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>
    /// Headers (of <see cref="Headers"/>, ignoring case) whose values are secret besides the default ones (Authorization,
    /// Cookie, Proxy-Authorization, names containing token, secret, key or password). A secret value sent as <c>"***"</c>
    /// keeps the stored one.
    /// </summary>
    public List<string?>? SecretHeaders { get; init; }

    /// <summary>Read-only, as GET shows it; accepted so that a job read with GET can be put back whole, and ignored.</summary>
    public Dictionary<string, string?>? SecretFingerprints { get; init; }

    /// <summary>Read-only, as GET shows it (fingerprints of the URL's secret query values); accepted and ignored.</summary>
    public Dictionary<string, string?>? UrlSecretFingerprints { get; init; }
}
