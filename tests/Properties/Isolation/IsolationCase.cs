namespace JobLog.Properties.Isolation;

/// <summary>A definition whose time zone is some spelling of <paramref name="Zone"/> (which may be no zone at all).</summary>
public sealed record IsolationCase(JobDefinition Definition, string Zone)
{
    public override string ToString() => $"{Step.Describe(Definition)} (from {Zone})";
}
