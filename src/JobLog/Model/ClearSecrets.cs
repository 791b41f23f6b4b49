namespace JobLog.Model;

/// <summary>
/// What of a stored target is a secret still in clear: secret header values and secret query values not in stored form,
/// and a URL userinfo. Only events written before secrets were encrypted (or by a node that did not encrypt them) hold
/// such values; <see cref="SealSecrets"/> repairs the job's current definition. Names the parts, never their values.
/// </summary>
public static class ClearSecrets
{
    public static IReadOnlyList<string> In(WebhookTarget target)
    {
        var found = new List<string>();
        foreach (var (name, value) in target.Headers)
        {
            if (target.IsSecret(name) && !SecretValue.IsSealed(value))
                found.Add($"header {name}");
        }
        var url = TargetUrl.Parse(target.Url);
        if (url.UserInfo is not null)
            found.Add("URL userinfo");
        foreach (var (_, parameter, occurrence) in url.NumberedQuery())
        {
            if (SecretQuery.HoldsSecret(parameter) && !SecretValue.IsSealed(parameter.Value!))
                found.Add($"URL query parameter {TargetUrl.Key(parameter.Name, occurrence)}");
        }
        return found;
    }
}
