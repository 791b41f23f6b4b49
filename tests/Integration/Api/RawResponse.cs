using System.Text.Json.Nodes;

namespace JobLog.Integration.Api;

/// <summary>One HTTP/1.1 response as it came off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonObject Json() =>
        JsonNode.Parse(Body)?.AsObject() ?? throw new InvalidOperationException($"Not a JSON object: {Body}");

    public override string ToString() =>
        $"{Status} {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{Body}";
}
