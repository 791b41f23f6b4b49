namespace JobLog.Model;

/// <summary>Who asked for a change, through which node, and why. Carried on every event.</summary>
public sealed record Provenance(string Actor, string Node, string? Reason)
{
    public const string AnonymousActor = "anonymous";
}
