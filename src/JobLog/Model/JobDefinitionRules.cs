namespace JobLog.Model;

/// <summary>The limits a job definition must satisfy before any command may carry it.</summary>
public static class JobDefinitionRules
{
    public const int MaxNameLength = 200;
    public const int MaxUrlLength = 2048;
    public const int MaxHeaders = 50;
    public const int MaxHeaderValueLength = 4096;
    public const int MaxBodyLength = 32 * 1024;
    public const int MinTimeoutSeconds = 1;
    public const int MaxTimeoutSeconds = 300;

    public static readonly IReadOnlySet<string> Methods =
        new HashSet<string>(["GET", "POST", "PUT", "PATCH", "DELETE"], StringComparer.Ordinal);

    public static IReadOnlyList<FieldError> Validate(JobDefinition definition)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(definition.Name))
            errors.Add(new("name", "is required and must not be blank."));
        else if (definition.Name.Length > MaxNameLength)
            errors.Add(new("name", $"must be at most {MaxNameLength} characters."));
        else if (definition.Name.Any(char.IsControl))
            errors.Add(new("name", "must not contain control characters."));

        if (!CronTiming.TryCreate(definition.Cron, definition.TimeZone, out _, out var timingError))
            errors.Add(timingError);

        ValidateTarget(definition.Target, errors);
        return errors;
    }

    private static void ValidateTarget(WebhookTarget target, List<FieldError> errors)
    {
        if (target.Url.Length > MaxUrlLength)
            errors.Add(new("target.url", $"must be at most {MaxUrlLength} characters."));
        else if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var uri)
                 || uri.Scheme is not ("http" or "https")
                 || string.IsNullOrEmpty(uri.Host))
            errors.Add(new("target.url", "must be an absolute http or https URL."));

        if (!Methods.Contains(target.Method))
            errors.Add(new("target.method", $"must be one of {string.Join(", ", Methods)}."));

        if (target.Headers.Count > MaxHeaders)
            errors.Add(new("target.headers", $"must have at most {MaxHeaders} entries."));
        foreach (var (name, value) in target.Headers)
        {
            if (name.Length == 0 || !name.All(IsTokenChar))
                errors.Add(new($"target.headers.{name}", "is not a valid HTTP header name."));
            else if (value.Length > MaxHeaderValueLength || value.Any(c => c is '\r' or '\n' or '\0'))
                errors.Add(new($"target.headers.{name}", $"must be at most {MaxHeaderValueLength} characters without line breaks."));
        }
        var duplicates = target.Headers.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1);
        foreach (var duplicate in duplicates)
            errors.Add(new($"target.headers.{duplicate.Key}", "is given more than once (header names ignore case)."));

        if (target.Body is { Length: > MaxBodyLength })
            errors.Add(new("target.body", $"must be at most {MaxBodyLength} characters."));

        if (target.TimeoutSeconds is < MinTimeoutSeconds or > MaxTimeoutSeconds)
            errors.Add(new("target.timeoutSeconds", $"must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}."));
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
