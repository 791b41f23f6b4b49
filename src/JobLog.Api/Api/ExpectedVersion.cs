namespace JobLog.Api.Api;

/// <summary>What <c>If-Match</c> said: a version, nothing, or something unreadable.</summary>
public readonly record struct ExpectedVersion(long Version)
{
    public static readonly ExpectedVersion Missing = new(0);
    public static readonly ExpectedVersion Malformed = new(-1);

    public bool IsMissing => Version == 0;

    public bool IsMalformed => Version < 0;
}
