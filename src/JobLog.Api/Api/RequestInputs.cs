using System.Globalization;
using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>Reads and checks the headers and query values the contract gives meaning to.</summary>
public static class RequestInputs
{
    public const string ActorHeader = "X-Actor";

    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    /// <summary>The version in <c>If-Match: "N"</c>; only the strong form of a single ETag is accepted.</summary>
    public static ExpectedVersion ReadIfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
            return ExpectedVersion.Missing;
        if (values.Count > 1)
            return ExpectedVersion.Malformed;
        var text = values[0]!.Trim();
        return text.Length >= 3 && text[0] == '"' && text[^1] == '"'
               && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
               && version >= 1
            ? new ExpectedVersion(version)
            : ExpectedVersion.Malformed;
    }

    public static string? ReadActor(HttpRequest request, List<FieldError> errors)
    {
        var values = request.Headers[ActorHeader];
        if (values.Count == 0)
            return Provenance.AnonymousActor;
        var actor = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(actor))
            errors.Add(new FieldError(ActorHeader, "must be one non-blank value."));
        else if (actor.Length > ApiLimits.MaxActorLength)
            errors.Add(new FieldError(ActorHeader, $"must be at most {ApiLimits.MaxActorLength} characters."));
        else if (actor.Any(char.IsControl))
            errors.Add(new FieldError(ActorHeader, "must not contain control characters."));
        else
            return actor;
        return null;
    }

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
