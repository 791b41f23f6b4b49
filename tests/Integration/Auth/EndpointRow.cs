namespace JobLog.Integration.Auth;

/// <summary>
/// One mapped endpoint in the authorization matrix: the least role it needs (<see cref="EndpointMatrix.Anonymous"/> for
/// none), the status of a valid request by someone allowed, and how to make such a request (arranging what it needs
/// with the admin client given).
/// </summary>
public sealed record EndpointRow(string Minimum, int Success, Func<HttpClient, Task<HttpRequestMessage>> Prepare);
