namespace JobLog.Api.Auth;

/// <summary>A configured API key: its name (the identity and actor), its role and the SHA-256 of the key.</summary>
public sealed record ApiKey(string Name, string Role, byte[] Hash);
