namespace JobLog.Properties.Store;

/// <summary>An event of any type as a node would append it, with free text wherever the event carries text.</summary>
public sealed record StoredEvent(IJobEvent Event)
{
    public override string ToString() => Event.ToString() ?? "";
}
