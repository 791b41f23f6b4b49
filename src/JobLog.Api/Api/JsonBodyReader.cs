using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using JobLog.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace JobLog.Api.Api;

/// <summary>
/// Reads a request's JSON body in steps whose failures are told apart by where they happen, never by an exception's
/// wording: no body, a media type or charset we do not read (415), too many bytes (413), not JSON at all
/// (malformed-json), JSON of the wrong shape (validation, every field named), and only then binding.
/// </summary>
public static class JsonBodyReader
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static async Task<BodyRead<T>> ReadAsync<T>(HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (!MayHaveBody(request))
            return Absent<T>(required);
        var bytes = await ReadBytesAsync(request.Body, cancellationToken);
        if (bytes is null)
            return BodyRead<T>.Refused(TypedResults.Problem(StatusProblems.For(StatusCodes.Status413PayloadTooLarge)));
        // An empty body is no body, whatever it claims to be; only content is held to the media type.
        if (bytes.Length == 0)
            return Absent<T>(required);
        if (!JsonContentType.IsAccepted(request.ContentType))
            return BodyRead<T>.Refused(TypedResults.Problem(StatusProblems.For(StatusCodes.Status415UnsupportedMediaType)));

        var json = bytes.AsMemory();
        if (json.Span.StartsWith(Utf8Bom))
            json = json[Utf8Bom.Length..];

        if (!Utf8.IsValid(json.Span))
            return BodyRead<T>.Refused(Problems.NotUtf8());

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException notJson)
        {
            // JsonDocument only tokenizes: whatever it throws is a syntax error, at the position it reports.
            return BodyRead<T>.Refused(Problems.MalformedJson(notJson.LineNumber ?? 0, notJson.BytePositionInLine ?? 0));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
                return Absent<T>(required);
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var contract = options.GetTypeInfo(typeof(T));
            var errors = JsonShape.Check(root, contract);
            if (errors.Count > 0)
                return BodyRead<T>.Refused(Problems.Validation(errors));
            return BodyRead<T>.Read((T?)root.Deserialize(contract));
        }
    }

    private static BodyRead<T> Absent<T>(bool required)
        where T : class =>
        required
            ? BodyRead<T>.Refused(Problems.Field("body", "is required: send the JSON document."))
            : BodyRead<T>.Read(null);

    private static bool MayHaveBody(HttpRequest request) =>
        request.ContentLength != 0
        && (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { } detection
            ? detection.CanHaveBody
            : request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);

    /// <summary>The whole body, or null past <see cref="ApiLimits.MaxBodyBytes"/>; the limit middleware normally refuses it first.</summary>
    private static async Task<byte[]?> ReadBytesAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ApiLimits.MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > ApiLimits.MaxBodyBytes)
                    return null;
            }
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
