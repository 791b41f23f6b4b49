namespace JobLog.Model;

/// <summary>What a user defines for a job; validated by <see cref="JobDefinitionRules"/> before any event carries it.</summary>
public sealed record JobDefinition(string Name, string Cron, string TimeZone, WebhookTarget Target)
{
    public const string DefaultTimeZone = "UTC";
}
