namespace JobLog.Api.Auth;

/// <summary>
/// Why a credential was refused, in words fit for the caller: its message is the 401 problem's detail, so it never
/// says more than what the caller sent already shows (never which key names exist).
/// </summary>
public sealed class CredentialRejectedException(string reason) : Exception(reason);
