namespace JobLog.Properties;

/// <summary>One way to make a valid definition invalid, and the field the rules must name for it.</summary>
public sealed record Breakage(string Description, string Field, Func<JobDefinition, JobDefinition> Apply)
{
    public override string ToString() => $"{Description} (expects {Field})";
}
