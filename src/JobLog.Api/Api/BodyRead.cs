using Microsoft.AspNetCore.Http.HttpResults;

namespace JobLog.Api.Api;

/// <summary>What <see cref="JsonBodyReader"/> made of a request body: the value (null when an optional body is absent) or the problem to answer.</summary>
public sealed record BodyRead<T>(T? Value, ProblemHttpResult? Problem)
    where T : class
{
    public static BodyRead<T> Read(T? value) => new(value, null);

    public static BodyRead<T> Refused(ProblemHttpResult problem) => new(null, problem);
}
