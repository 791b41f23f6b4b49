namespace JobLog.Model;

/// <summary>What a user defines for a job; validated by <see cref="JobDefinitionRules"/> before any event carries it.</summary>
public sealed record JobDefinition(string Name, string Cron, string TimeZone, WebhookTarget Target)
{
    public const string DefaultTimeZone = "UTC";

    /// <summary>
    /// How the leader dispatches the job. Events written before policies existed carry none and fold to
    /// <see cref="DispatchPolicy.Default"/>; so does a stored <c>null</c> (JobLog never writes one), so no reader of a
    /// definition ever meets a missing policy.
    /// </summary>
    public DispatchPolicy Policy
    {
        get;
        init => field = value ?? DispatchPolicy.Default;
    } = DispatchPolicy.Default;
}
