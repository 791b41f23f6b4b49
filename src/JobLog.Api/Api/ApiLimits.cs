namespace JobLog.Api.Api;

/// <summary>Hard limits of the HTTP contract; changing one changes the API.</summary>
public static class ApiLimits
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxActorLength = 200;
    public const int MaxReasonLength = 1000;
    public const int DefaultJobPage = 50;
    public const int MaxJobPage = 500;
    public const int DefaultEventPage = 100;
    public const int MaxEventPage = 1000;
    public const int DefaultScheduleCount = 10;
    public const int MaxScheduleCount = 1000;
}
