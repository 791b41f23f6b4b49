namespace JobLog.Properties;

public sealed record BrokenDefinition(JobDefinition Valid, Breakage Breakage)
{
    public override string ToString() => $"{Step.Describe(Valid)} {Valid.Target.Method} {Valid.Target.Url}, {Breakage}";
}
