namespace JobLog.Properties;

/// <summary>A valid definition broken in two different fields at once.</summary>
public sealed record DoublyBrokenDefinition(JobDefinition Valid, Breakage First, Breakage Second)
{
    public JobDefinition Broken => Second.Apply(First.Apply(Valid));

    public override string ToString() => $"{Step.Describe(Valid)} {Valid.Target.Url}, {First} and {Second}";
}
