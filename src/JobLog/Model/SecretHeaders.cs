namespace JobLog.Model;

/// <summary>
/// The one rule for which header values of a target are secret: the names a job lists in
/// <see cref="WebhookTarget.SecretHeaders"/>, plus <c>Authorization</c>, <c>Cookie</c>, <c>Proxy-Authorization</c> and any
/// name containing <c>token</c>, <c>secret</c>, <c>key</c> or <c>password</c>, all ignoring case. The API redacts by it,
/// the command path encrypts by it, the sender decrypts by it.
/// </summary>
public static class SecretHeaders
{
    public static IReadOnlyList<string> DefaultNames { get; } = ["Authorization", "Cookie", "Proxy-Authorization"];

    public static IReadOnlyList<string> DefaultFragments { get; } = ["token", "secret", "key", "password"];

    public static bool IsSecret(string headerName, IEnumerable<string> listed) =>
        IsSecretByDefault(headerName) || listed.Contains(headerName, StringComparer.OrdinalIgnoreCase);

    public static bool IsSecretByDefault(string headerName) =>
        DefaultNames.Contains(headerName, StringComparer.OrdinalIgnoreCase)
        || DefaultFragments.Any(fragment => headerName.Contains(fragment, StringComparison.OrdinalIgnoreCase));
}
