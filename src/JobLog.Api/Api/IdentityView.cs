namespace JobLog.Api.Api;

/// <param name="Role">viewer, editor or admin: the highest the credential holds.</param>
public sealed record IdentityView(string Name, string? Role);
