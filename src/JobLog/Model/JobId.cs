using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace JobLog.Model;

/// <summary>A job's identity and its stream id: 1–64 characters of [a-z0-9-_].</summary>
[JsonConverter(typeof(JobIdJsonConverter))]
public readonly record struct JobId
{
    public const int MaxLength = 64;

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
        id = new JobId(text);
        error = null;
        return true;
    }

    public static JobId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException($"Job id '{text}' {error}.");

    public override string ToString() => Value ?? "";
}
