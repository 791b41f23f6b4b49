namespace JobLog.Model;

/// <summary>
/// Which query parameters of a target URL carry a secret: those whose name (percent-decoded) is secret by the header rule
/// (<see cref="SecretHeaders.IsSecretByDefault"/>: <c>token</c>, <c>secret</c>, <c>key</c>, <c>password</c> in it, ...)
/// or is one of <see cref="ExtraNames"/>, the names webhook providers put their credentials under (Azure Functions'
/// <c>code</c>, a SAS <c>sig</c>...), all ignoring case. A parameter without a value, or with an empty one, holds nothing.
/// </summary>
public static class SecretQuery
{
    public static IReadOnlyList<string> ExtraNames { get; } = ["code", "sig", "signature", "auth", "pass", "pwd"];

    public static bool IsSecretName(string rawName)
    {
        var name = Uri.UnescapeDataString(rawName);
        return SecretHeaders.IsSecretByDefault(name) || ExtraNames.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    public static bool HoldsSecret(QueryParameter parameter) => !string.IsNullOrEmpty(parameter.Value) && IsSecretName(parameter.Name);
}
