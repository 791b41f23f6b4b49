namespace JobLog.Api.Api;

/// <summary>Hard limits of the HTTP contract; changing one changes the API.</summary>
public static class ApiLimits
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// What Kestrel may read of a chunked body, framing included, while the payload is held to <see cref="MaxBodyBytes"/>:
    /// one-byte chunks take 6 bytes on the wire per payload byte, so 8 times leaves room for every chunking without
    /// a pile of chunk extensions.
    /// </summary>
    public const long MaxChunkedBodyBytesOnWire = 8L * MaxBodyBytes;
    public const int MaxActorLength = 200;
    public const int MaxReasonLength = 1000;
    public const int DefaultJobPage = 50;
    public const int MaxJobPage = 500;
    public const int DefaultEventPage = 100;
    public const int MaxEventPage = 1000;
    public const int DefaultScheduleCount = 10;
    public const int MaxScheduleCount = 1000;
    public const int DefaultCronPreview = 10;
    public const int MaxCronPreview = 100;
    public const int MaxSearchLength = 200;
    public const int DefaultRunPage = 50;
    public const int MaxRunPage = 1000;
}
