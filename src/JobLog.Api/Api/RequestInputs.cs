using System.Globalization;
using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>Reads and checks the headers and query values the contract gives meaning to.</summary>
public static class RequestInputs
{
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    /// <summary>
    /// The version in <c>If-Match</c>. ETags are compared as the exact text the API issues, <c>"N"</c> with N the
    /// version in canonical decimal: a value that is not in that form (weak, <c>*</c>, a list, <c>"03"</c>,
    /// <c>"+3"</c>, <c>" 3"</c>, <c>"abc"</c>) can never match an ETag we issued, so it is malformed rather than a
    /// version to compare; parsing it as a number would let <c>"03"</c> match version 3.
    /// </summary>
    public static ExpectedVersion ReadIfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
            return ExpectedVersion.Missing;
        if (values.Count > 1 || values[0] is not { } header)
            return ExpectedVersion.Malformed;
        var text = header.AsSpan().Trim(" \t");
        if (text.Length < 3 || text[0] != '"' || text[^1] != '"')
            return ExpectedVersion.Malformed;
        var opaque = text[1..^1];
        return long.TryParse(opaque, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
               && version >= 1
               && text.SequenceEqual(ETag(version))
            ? new ExpectedVersion(version)
            : ExpectedVersion.Malformed;
    }

    /// <summary>The strong ETag the API issues for a job version.</summary>
    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static string? ReadReason(ChangeRequest? body, List<FieldError> errors)
    {
        var reason = body?.Reason;
        if (reason is null)
            return null;
        if (reason.Length > ApiLimits.MaxReasonLength)
            errors.Add(new FieldError("reason", $"must be at most {ApiLimits.MaxReasonLength} characters."));
        else if (reason.Any(char.IsControl))
            errors.Add(new FieldError("reason", "must not contain control characters."));
        return reason;
    }

    public static int ReadInt(string? text, string field, int fallback, int min, int max, List<FieldError> errors)
    {
        if (text is null)
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(new FieldError(field, $"must be a whole number from {min} to {max}."));
        return fallback;
    }

    public static long ReadLong(string? text, string field, long fallback, long min, List<FieldError> errors)
    {
        if (text is null)
            return fallback;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min)
            return value;
        errors.Add(new FieldError(field, $"must be a whole number, at least {min}."));
        return fallback;
    }

    /// <summary>An ISO-8601 instant; without an offset it is UTC. A '+' decoded to a space by the query string is put back.</summary>
    public static DateTimeOffset? ReadInstant(string? text, string field, List<FieldError> errors)
    {
        if (text is null)
            return null;
        if (DateTimeOffset.TryParseExact(
                text.Trim().Replace(' ', '+'),
                InstantFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var instant))
            return instant;
        errors.Add(new FieldError(field, "must be an ISO-8601 instant such as 2026-01-31T09:30:00Z."));
        return null;
    }
}
