using Microsoft.Net.Http.Headers;

namespace JobLog.Api.Api;

/// <summary>Which request <c>Content-Type</c>s the API reads: JSON in UTF-8, the only encoding RFC 8259 allows between systems.</summary>
public static class JsonContentType
{
    public const string Expected = "application/json";

    /// <summary>
    /// <c>application/json</c> or any <c>+json</c> type, with no charset or <c>utf-8</c> in any case, quoted or not.
    /// Another charset is refused rather than ignored: reading Latin-1 or UTF-16 bytes as UTF-8 would store other text
    /// than the client sent.
    /// </summary>
    public static bool IsAccepted(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return false;
        var json = media.MediaType.Equals(Expected, StringComparison.OrdinalIgnoreCase)
                   || (media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
                       && media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
        if (!json)
            return false;
        var charsets = media.Parameters.Where(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)).ToList();
        return charsets.Count switch
        {
            0 => true,
            1 => HeaderUtilities.RemoveQuotes(charsets[0].Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }
}
