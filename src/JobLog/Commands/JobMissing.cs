namespace JobLog.Commands;

public sealed record JobMissing : CommandResult
{
    public static readonly JobMissing Instance = new();
}
