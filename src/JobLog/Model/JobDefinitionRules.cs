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
    public const int MaxCatchUpWindowSeconds = 7 * 24 * 3600;
    public const int MinRetryAttempts = 1;
    public const int MaxRetryAttempts = 10;
    public const int MaxBackoffSeconds = 3600;
    public const int MaxMaxBackoffSeconds = 24 * 3600;

    public static readonly IReadOnlySet<string> Methods =
        new HashSet<string>(["GET", "POST", "PUT", "PATCH", "DELETE"], StringComparer.Ordinal);

    /// <summary>Every fault of <paramref name="definition"/>, each naming its field; empty when it may be stored.</summary>
    public static IReadOnlyList<FieldError> Validate(JobDefinition definition)
    {
        var errors = new List<FieldError>();
        if (Storable("name", definition.Name, errors))
        {
            if (string.IsNullOrWhiteSpace(definition.Name))
                errors.Add(new("name", "is required and must not be blank."));
            else if (definition.Name.Length > MaxNameLength)
                errors.Add(new("name", $"must be at most {MaxNameLength} characters."));
            else if (definition.Name.Any(char.IsControl))
                errors.Add(new("name", "must not contain control characters."));
        }

        if (Storable("cron", definition.Cron, errors))
            errors.AddRange(CronSyntax.Problems(definition.Cron).Select(problem => new FieldError("cron", problem)));
        if (Storable("timeZone", definition.TimeZone, errors) && !ZoneCatalog.TryFind(definition.TimeZone, out _))
            errors.Add(CronTiming.UnknownZone(definition.TimeZone));

        ValidateTarget(definition.Target, errors);
        ValidatePolicy(definition.Policy, errors);
        return errors;
    }

    /// <summary>
    /// The definition as an event carries it: its time zone spelled as the zone database spells it, so the
    /// stored id is the same whichever spelling the client sent (<c>america/sao_paulo</c> is stored as
    /// <c>America/Sao_Paulo</c>). Only the command side calls this; the fold takes events as they are.
    /// </summary>
    public static JobDefinition Canonicalize(JobDefinition definition) =>
        ZoneCatalog.TryCanonicalize(definition.TimeZone, out var zone) && !string.Equals(zone, definition.TimeZone, StringComparison.Ordinal)
            ? definition with { TimeZone = zone }
            : definition;

    private static void ValidateTarget(WebhookTarget target, List<FieldError> errors)
    {
        if (Storable("target.url", target.Url, errors) && UrlProblem(target.Url) is { } urlProblem)
            errors.Add(new("target.url", urlProblem));

        if (Storable("target.method", target.Method, errors) && !Methods.Contains(target.Method))
            errors.Add(new("target.method", $"must be one of {string.Join(", ", Methods)}."));

        if (target.Headers.Count > MaxHeaders)
            errors.Add(new("target.headers", $"must have at most {MaxHeaders} entries."));
        foreach (var (name, value) in target.Headers)
        {
            var field = $"target.headers.{name}";
            if (!Storable(field, name, errors) || !Storable(field, value, errors))
                continue;
            if (HeaderProblem(name, value) is { } headerProblem)
                errors.Add(new(field, headerProblem));
        }
        var duplicates = target.Headers.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1);
        foreach (var duplicate in duplicates)
            errors.Add(new($"target.headers.{duplicate.Key}", "is given more than once (header names ignore case)."));
        foreach (var problem in SecretHeaderProblems(target.SecretHeaders, target.Headers.Keys))
            errors.Add(new("target.secretHeaders", problem));

        // The body is an opaque payload: other control characters (a form feed, an escape sequence) can be legitimate
        // content and are stored and sent as they are; only what cannot be stored at all is refused.
        if (Storable("target.body", target.Body, errors) && target.Body is { Length: > MaxBodyLength })
            errors.Add(new("target.body", $"must be at most {MaxBodyLength} characters."));

        if (target.TimeoutSeconds is < MinTimeoutSeconds or > MaxTimeoutSeconds)
            errors.Add(new("target.timeoutSeconds", $"must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}."));
    }

    /// <summary>
    /// What is wrong with a list of secret header names: each must name one of the target's headers (ignoring case), once.
    /// A name that is secret by default may be listed too; it changes nothing.
    /// </summary>
    public static IEnumerable<string> SecretHeaderProblems(IEnumerable<string> listed, IEnumerable<string> headerNames)
    {
        var headers = new HashSet<string>(headerNames, StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in listed)
        {
            if (SecretHeaderProblem(name, headers, seen) is { } problem)
                yield return problem;
        }
    }

    /// <summary>What is wrong with <paramref name="name"/>, listed after <paramref name="seen"/> (to which it is added when right).</summary>
    public static string? SecretHeaderProblem(string name, IReadOnlySet<string> headers, ISet<string> seen)
    {
        if (!headers.Contains(name))
            return $"lists '{SafeName(name)}', which is not a header of the target (target.headers); list only headers the target sends.";
        return seen.Add(name) ? null : $"lists '{SafeName(name)}' more than once (header names ignore case).";
    }

    private static string SafeName(string name) =>
        name.Length <= 64 && name.All(IsTokenChar) ? name : "(not a header name)";

    private static void ValidatePolicy(DispatchPolicy policy, List<FieldError> errors)
    {
        // The enums are checked too: a definition read from JSON may hold any number in them.
        if (!Enum.IsDefined(policy.Misfire))
            errors.Add(new("policy.misfire", $"must be one of {string.Join(", ", PolicyNames.Misfires)}."));
        if (policy.CatchUpWindowSeconds is < 0 or > MaxCatchUpWindowSeconds)
            errors.Add(new("policy.catchUpWindowSeconds", $"must be between 0 (no catch-up) and {MaxCatchUpWindowSeconds} (7 days)."));
        if (!Enum.IsDefined(policy.Concurrency))
            errors.Add(new("policy.concurrency", $"must be one of {string.Join(", ", PolicyNames.Concurrencies)}."));

        var retry = policy.Retry;
        if (retry is null)
        {
            errors.Add(new("policy.retry", "is required."));
            return;
        }
        if (retry.Attempts is < MinRetryAttempts or > MaxRetryAttempts)
            errors.Add(new("policy.retry.attempts", $"must be between {MinRetryAttempts} and {MaxRetryAttempts}."));
        var backoffValid = retry.BackoffSeconds is >= 0 and <= MaxBackoffSeconds;
        if (!backoffValid)
            errors.Add(new("policy.retry.backoffSeconds", $"must be between 0 and {MaxBackoffSeconds}."));
        // Compared with the backoff only when that is valid, so that one wrong number is reported once, under its own name.
        var least = backoffValid ? retry.BackoffSeconds : 0;
        if (retry.MaxBackoffSeconds < least || retry.MaxBackoffSeconds > MaxMaxBackoffSeconds)
            errors.Add(new("policy.retry.maxBackoffSeconds", backoffValid
                ? $"must be between backoffSeconds ({retry.BackoffSeconds}) and {MaxMaxBackoffSeconds}; it is {retry.MaxBackoffSeconds}."
                : $"must be between 0 and {MaxMaxBackoffSeconds}."));
    }

    /// <summary>
    /// Whether <paramref name="text"/> can be stored at all: PostgreSQL's jsonb refuses U+0000, and an unpaired
    /// surrogate is not UTF-16 text (System.Text.Json would silently store U+FFFD in its place).
    /// </summary>
    private static bool Storable(string field, string? text, List<FieldError> errors)
    {
        if (text is null)
            return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                errors.Add(new(field, "must not contain the NUL character (U+0000)."));
                return false;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                errors.Add(new(field, $"must be valid UTF-16: {Show(c)} at position {i + 1} is an unpaired surrogate."));
                return false;
            }
        }
        return true;
    }

    private static string? UrlProblem(string url)
    {
        if (url.Length > MaxUrlLength)
            return $"must be at most {MaxUrlLength} characters.";
        // The stored URL is exactly the one called: .NET's Uri would silently trim spaces, encode them, or drop a tab.
        var at = url.AsSpan().IndexOfAnyExceptInRange('!', '~');
        if (at >= 0)
            return $"must not contain spaces, control or non-ASCII characters (found {Show(url[at])} at position {at + 1}); percent-encode them.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return "must be an absolute http or https URL.";
        // .NET's HTTP client sends no credentials from a URL (it drops the userinfo), and a URL is shown to every viewer.
        if (TargetUrl.Parse(url).UserInfo is not null)
            return "must not contain credentials (user:password@): they would never be sent. Put them in an Authorization header (e.g. \"Basic <base64 of user:password>\"), whose value is secret.";
        return null;
    }

    private static string? HeaderProblem(string name, string value)
    {
        if (name.Length == 0 || !name.All(IsTokenChar))
            return "is not a valid HTTP header name.";
        if (value.Length > MaxHeaderValueLength)
            return $"must be at most {MaxHeaderValueLength} characters.";
        // RFC 9110 field-value without obs-text: .NET's HttpClient refuses to send a non-ASCII header value, and a
        // control character other than a tab would be sent as is.
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
                return $"must contain only visible ASCII characters, spaces and tabs; found {Show(c)}.";
        }
        // Field values have no leading or trailing whitespace (RFC 9110 5.5); a receiver would strip it, so the
        // stored value would not be the one received. Refused rather than trimmed: nothing is changed silently.
        if (value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t'))
            return "must not start or end with a space or tab.";
        return null;
    }

    private static string Show(char c) => c is > ' ' and < '\u007f' ? $"'{c}'" : $"U+{(int)c:X4}";

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
