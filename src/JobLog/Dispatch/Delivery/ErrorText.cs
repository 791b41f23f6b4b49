using System.Globalization;
using System.Text;
using JobLog.Model;

namespace JobLog.Dispatch.Delivery;

/// <summary>
/// Short run errors for one delivery. Text from outside (a response body, a reason phrase, an exception message) is
/// stripped of control characters and has every value of the job's headers (and the URL's credentials and secret query
/// values) masked before it is cut to length, so a target that echoes a secret cannot put it in the run history.
/// </summary>
internal sealed class ErrorText
{
    public const int MaxForeignChars = 200;
    public const int MaxLength = 400;
    public const int MaxBodyBytes = 64 * 1024;
    private const string Mask = "***";

    private readonly string[] _secrets;

    public ErrorText(WebhookTarget target, Uri uri)
    {
        var secrets = target.Headers.Values.ToList();
        if (uri.UserInfo.Length > 0)
        {
            secrets.Add(uri.UserInfo);
            secrets.AddRange(uri.UserInfo.Split(':').Select(Uri.UnescapeDataString));
        }
        // A failure's text can quote the URL it called (its query) or a target can echo a value: mask the secret query
        // values as written and decoded.
        foreach (var parameter in TargetUrl.Parse(target.Url).Query ?? [])
        {
            if (SecretQuery.HoldsSecret(parameter))
                secrets.AddRange([parameter.Value!, Uri.UnescapeDataString(parameter.Value!)]);
        }
        _secrets = [.. secrets.Select(Clean).Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length)];
    }

    /// <summary>
    /// The start of a failed answer's body, cleaned, for its error; the rest is never read. Enough is read that every
    /// secret beginning in the part shown is there whole (so it is masked, not cut into a visible prefix); when the read
    /// stops short of that (a body of mostly blanks), the tail that could hold the start of a cut secret is dropped.
    /// </summary>
    public async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var wanted = MaxForeignChars + Longest;
        var buffer = new byte[MaxBodyBytes];
        var read = 0;
        var complete = false;
        var cleaned = "";
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            while (true)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read, Math.Min(4096, buffer.Length - read)), cancellationToken);
                read += n;
                cleaned = Clean(Encoding.UTF8.GetString(buffer, 0, read));
                if (n == 0)
                {
                    complete = true;
                    break;
                }
                if (cleaned.Length >= wanted || read == buffer.Length)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The status is the answer; a body cut short only shortens the error.
        }
        if (!complete && cleaned.Length < wanted)
            cleaned = cleaned[..Math.Max(0, cleaned.Length - Longest)];
        return cleaned;
    }

    private int Longest => _secrets.Length == 0 ? 0 : _secrets[0].Length;

    /// <summary><paramref name="ours"/> (our own words, which hold no secret), then the cleaned outside text if any.</summary>
    public string Compose(string ours, string? foreign, string separator = ": ")
    {
        var cleaned = foreign is null ? "" : Cut(Redact(Clean(foreign)), MaxForeignChars);
        var text = cleaned.Length == 0 ? ours : $"{ours}{separator}{cleaned}";
        return Cut(text, MaxLength);
    }

    private string Redact(string text)
    {
        foreach (var secret in _secrets)
            text = text.Replace(secret, Mask, StringComparison.OrdinalIgnoreCase);
        return text;
    }

    // Control and format characters (bidi overrides among them) become spaces; runs of whitespace one space.
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            var blank = char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format;
            if (blank)
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static string Cut(string text, int length)
    {
        if (text.Length <= length)
            return text;
        var end = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return string.Concat(text.AsSpan(0, end), "…");
    }
}
