namespace JobLog.Model;

/// <summary>
/// A target URL taken apart where credentials can sit: the userinfo (<c>user:password@</c>) and the query parameters.
/// Pure text work that decodes nothing it does not need: <see cref="Compose"/> of an unchanged parse is the URL given,
/// byte for byte (the stored URL is exactly the one called).
/// </summary>
public sealed record TargetUrl(string Head, string? UserInfo, string HostAndPath, IReadOnlyList<QueryParameter>? Query, string? Fragment)
{
    private const string SchemeEnd = "://";

    public static TargetUrl Parse(string url)
    {
        var hash = url.IndexOf('#');
        var fragment = hash >= 0 ? url[(hash + 1)..] : null;
        var rest = hash >= 0 ? url[..hash] : url;
        var question = rest.IndexOf('?');
        IReadOnlyList<QueryParameter>? query = question >= 0 ? SplitQuery(rest[(question + 1)..]) : null;
        rest = question >= 0 ? rest[..question] : rest;

        var schemeEnd = rest.IndexOf(SchemeEnd, StringComparison.Ordinal);
        if (schemeEnd < 0)
            return new TargetUrl("", null, rest, query, fragment);
        var head = rest[..(schemeEnd + SchemeEnd.Length)];
        var afterHead = rest[head.Length..];
        var authorityEnd = afterHead.IndexOf('/');
        var authority = authorityEnd >= 0 ? afterHead[..authorityEnd] : afterHead;
        // As URL parsers do, the last '@' of the authority ends the userinfo (an '@' in a password should be %40).
        var at = authority.LastIndexOf('@');
        return at < 0
            ? new TargetUrl(head, null, afterHead, query, fragment)
            : new TargetUrl(head, authority[..at], afterHead[(at + 1)..], query, fragment);
    }

    public string Compose()
    {
        var url = UserInfo is null ? Head + HostAndPath : $"{Head}{UserInfo}@{HostAndPath}";
        if (Query is not null)
            url += "?" + string.Join('&', Query.Select(p => p.Value is null ? p.Name : $"{p.Name}={p.Value}"));
        if (Fragment is not null)
            url += "#" + Fragment;
        return url;
    }

    /// <summary>
    /// The key a secret query parameter's fingerprint is shown under: its name as written, with <c>[n]</c> from its second
    /// occurrence on (<c>token</c>, <c>token[2]</c>), the same numbering that matches a redacted value to the stored one.
    /// </summary>
    public static string Key(string name, int occurrence) => occurrence == 1 ? name : $"{name}[{occurrence}]";

    /// <summary>Each parameter with its occurrence among parameters of the same name (1 for the first).</summary>
    public IEnumerable<(int Index, QueryParameter Parameter, int Occurrence)> NumberedQuery()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (Query?.Count ?? 0); i++)
        {
            var parameter = Query![i];
            seen[parameter.Name] = seen.GetValueOrDefault(parameter.Name) + 1;
            yield return (i, parameter, seen[parameter.Name]);
        }
    }

    /// <summary>The value of the <paramref name="occurrence"/>th parameter named <paramref name="name"/>, or null.</summary>
    public string? ValueOf(string name, int occurrence) =>
        NumberedQuery().Where(p => p.Parameter.Name == name && p.Occurrence == occurrence).Select(p => p.Parameter.Value).FirstOrDefault();

    private static List<QueryParameter> SplitQuery(string query) =>
        [.. query.Split('&').Select(pair =>
        {
            var equals = pair.IndexOf('=');
            return equals < 0 ? new QueryParameter(pair, null) : new QueryParameter(pair[..equals], pair[(equals + 1)..]);
        })];
}
