using System.Collections.Immutable;
using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>Turns request bodies into model values, collecting every field error instead of stopping at the first.</summary>
public static class JobRequests
{
    public static JobDefinition? ToDefinition(
        string? name, string? cron, string? timeZone, TargetRequest? target, PolicyRequest? policy, List<FieldError> errors)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        Require(name, "name", missing, errors);
        Require(cron, "cron", missing, errors);
        if (target is null)
            Require(null, "target", missing, errors);
        else
            Require(target.Url, "target.url", missing, errors);

        var headers = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (header, value) in target?.Headers ?? [])
        {
            if (value is null)
            {
                missing.Add($"target.headers.{header}");
                errors.Add(new FieldError($"target.headers.{header}", "must be a string, not null."));
            }
            else
            {
                headers[header] = value;
            }
        }

        var definition = new JobDefinition(
            name ?? "",
            cron ?? "",
            timeZone ?? JobDefinition.DefaultTimeZone,
            new WebhookTarget(
                target?.Url ?? "",
                target?.Method?.ToUpperInvariant() ?? WebhookTarget.DefaultMethod,
                headers.ToImmutable(),
                target?.Body,
                target?.TimeoutSeconds ?? WebhookTarget.DefaultTimeoutSeconds)
            {
                SecretHeaders = ToSecretHeaders(target, errors),
            })
        {
            Policy = ToPolicy(policy, errors),
        };
        errors.AddRange(JobDefinitionRules.Validate(definition).Where(e => !missing.Contains(e.Field)));
        if (target is null)
            errors.RemoveAll(e => e.Field.StartsWith("target.", StringComparison.Ordinal));
        return errors.Count == 0 ? definition : null;
    }

    /// <summary>
    /// The secret header names a request lists, each checked where it stands (<c>target.secretHeaders[i]</c>): a string
    /// naming one of the request's headers (ignoring case), once. Only the names that pass are kept, so the definition's
    /// own rules find nothing more to say about them.
    /// </summary>
    private static ImmutableSortedSet<string> ToSecretHeaders(TargetRequest? target, List<FieldError> errors)
    {
        var names = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var listed = target?.SecretHeaders ?? [];
        var headers = new HashSet<string>(target?.Headers?.Keys ?? (IEnumerable<string>)[], StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < listed.Count; i++)
        {
            var field = $"target.secretHeaders[{i}]";
            if (listed[i] is not { } name)
                errors.Add(new FieldError(field, "must be a header name, not null."));
            else if (JobDefinitionRules.SecretHeaderProblem(name, headers, seen) is { } problem)
                errors.Add(new FieldError(field, problem));
            else
                names.Add(name);
        }
        return names.ToImmutable();
    }

    /// <summary>
    /// The policy a request gives, each omitted or null member taking its default. A choice that is not one of the
    /// names is reported here (the model only ever holds a valid one) and the default stands in for it, so the rules
    /// report nothing more about that field; the numbers are left to the rules.
    /// </summary>
    private static DispatchPolicy ToPolicy(PolicyRequest? request, List<FieldError> errors)
    {
        var defaults = DispatchPolicy.Default;
        if (request is null)
            return defaults;
        var misfire = defaults.Misfire;
        if (request.Misfire is { } misfireName && !PolicyNames.TryParse(misfireName, out misfire))
        {
            misfire = defaults.Misfire;
            errors.Add(new FieldError("policy.misfire", $"must be one of {string.Join(", ", PolicyNames.Misfires)}, spelled exactly so."));
        }
        var concurrency = defaults.Concurrency;
        if (request.Concurrency is { } concurrencyName && !PolicyNames.TryParse(concurrencyName, out concurrency))
        {
            concurrency = defaults.Concurrency;
            errors.Add(new FieldError("policy.concurrency", $"must be one of {string.Join(", ", PolicyNames.Concurrencies)}, spelled exactly so."));
        }
        var retry = request.Retry is { } r
            ? new RetryPolicy(
                r.Attempts ?? defaults.Retry.Attempts,
                r.BackoffSeconds ?? defaults.Retry.BackoffSeconds,
                r.MaxBackoffSeconds ?? defaults.Retry.MaxBackoffSeconds)
            : defaults.Retry;
        return new DispatchPolicy(misfire, request.CatchUpWindowSeconds ?? defaults.CatchUpWindowSeconds, concurrency, retry);
    }

    /// <summary>
    /// The read-only fields of a <c>PUT</c> body that echoes the job as <c>GET</c> returned it. The id is checked here
    /// against the path; the others need the job's state at the <c>If-Match</c> version, so the decider checks them.
    /// </summary>
    public static ReadOnlyFields ToReadOnlyFields(string pathId, UpdateJobRequest body, List<FieldError> errors)
    {
        if (body.Id is { } id && !string.Equals(id, pathId, StringComparison.Ordinal))
            errors.Add(new FieldError("id", $"must be the job's id from the path, '{pathId}'; a job's id cannot be changed."));
        JobStatus? status = body.Status switch
        {
            null => null,
            "active" => JobStatus.Active,
            "deleted" => JobStatus.Deleted,
            _ => null,
        };
        if (body.Status is not null && status is null)
            errors.Add(new FieldError("status", "must be active or deleted, as the job shows it."));
        return new ReadOnlyFields(body.Enabled, status, body.Version, body.CreatedAt, body.UpdatedAt);
    }

    public static JobId? ToId(string? text, string field, List<FieldError> errors)
    {
        if (JobId.TryParse(text, out var id, out var error))
            return id;
        errors.Add(new FieldError(field, error + "."));
        return null;
    }

    /// <summary>A fresh id for a job created without one: 26 lowercase base-32 characters, valid as a <see cref="JobId"/>.</summary>
    public static JobId NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> random = stackalloc byte[26];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        Span<char> text = stackalloc char[26];
        for (var i = 0; i < text.Length; i++)
            text[i] = alphabet[random[i] & 31];
        return JobId.Parse(new string(text));
    }

    private static void Require(string? value, string field, HashSet<string> missing, List<FieldError> errors)
    {
        if (value is not null)
            return;
        missing.Add(field);
        errors.Add(new FieldError(field, "is required."));
    }
}
