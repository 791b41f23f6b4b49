using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace JobLog.Model;

/// <summary>A job's identity and its stream id: 1–64 characters of [a-z0-9-_], not beginning with <c>mt_</c>.</summary>
[JsonConverter(typeof(JobIdJsonConverter))]
public readonly record struct JobId
{
    public const int MaxLength = 64;

    // Marten names its own streams so (its filler rows after a failed append live in mt_tombstone).
    public const string ReservedPrefix = "mt_";

    private JobId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, out JobId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "must not be empty";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"must be at most {MaxLength} characters";
            return false;
        }
        foreach (var c in text)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                error = "may contain only lowercase letters, digits, '-' and '_'";
                return false;
            }
        }
        if (text.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            error = $"must not begin with '{ReservedPrefix}', which the event store reserves for streams of its own";
            return false;
        }
        id = new JobId(text);
        error = null;
        return true;
    }

    public static JobId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException($"Job id '{text}' {error}.");

    public override string ToString() => Value ?? "";
}
