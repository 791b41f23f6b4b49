using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JobLog.Api.Api;

namespace JobLog.Api.Connections;

/// <summary>
/// Recognises the error response Kestrel writes by itself (an HTTP/1.x status line of 400 or more, headers with
/// <c>Content-Length: 0</c>, nothing after them) and builds the same response with a problem document as its body.
/// </summary>
public static class ServerErrorResponse
{
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    /// <summary>The response with a problem body, or null when <paramref name="output"/> is not such an empty error response.</summary>
    public static byte[]? WithProblemBody(ReadOnlySpan<byte> output, string connectionId)
    {
        if (!output.StartsWith("HTTP/1."u8) || output.Length < 13 || output[12] != (byte)' '
            || !int.TryParse(output.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            || status < 400)
            return null;
        var headEnd = output.IndexOf(HeadEnd);
        if (headEnd < 0 || headEnd + HeadEnd.Length != output.Length)
            return null;

        var head = output[..headEnd];
        var statusLineEnd = head.IndexOf(LineEnd);
        var statusLine = statusLineEnd < 0 ? head : head[..statusLineEnd];
        var kept = new ArrayBufferWriter<byte>(output.Length + 64);
        kept.Write(statusLine);
        kept.Write(LineEnd);
        var emptyBody = false;
        var rest = statusLineEnd < 0 ? [] : head[(statusLineEnd + LineEnd.Length)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(LineEnd);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + LineEnd.Length)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
                return null;
            var name = Encoding.ASCII.GetString(line[..colon]);
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.SequenceEqual("0"u8))
                    return null;
                emptyBody = true;
                continue;
            }
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                return null;
            kept.Write(line);
            kept.Write(LineEnd);
        }
        if (!emptyBody)
            return null;

        var body = ProblemJson(status, connectionId);
        kept.Write("Content-Type: application/problem+json"u8);
        kept.Write(LineEnd);
        kept.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}"));
        kept.Write(HeadEnd);
        kept.Write(body);
        return kept.WrittenSpan.ToArray();
    }

    private static byte[] ProblemJson(int status, string connectionId)
    {
        var problem = StatusProblems.For(status);
        var buffer = new ArrayBufferWriter<byte>(512);
        // Relaxed escaping: this is a JSON response, not HTML, and "request's" should read as written.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", problem.Type);
            json.WriteString("title", problem.Title);
            json.WriteNumber("status", status);
            json.WriteString("detail", problem.Detail);
            if (problem.Extensions.TryGetValue(Problems.FieldExtension, out var field) && field is string name)
                json.WriteString(Problems.FieldExtension, name);
            json.WriteString("connectionId", connectionId);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
