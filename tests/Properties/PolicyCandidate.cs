namespace JobLog.Properties;

/// <summary>A dispatch policy anyone may build, valid or not.</summary>
public sealed record PolicyCandidate(DispatchPolicy Policy)
{
    public override string ToString() => Step.Describe(Policy) + $" ({(int)Policy.Misfire}, {(int)Policy.Concurrency})";
}
