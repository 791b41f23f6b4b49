namespace JobLog.Testing.ClusterSim;

/// <summary>
/// The switch for the long mode of the cluster properties: <c>JOBLOG_LONG_PROPERTIES</c> set to anything but empty or
/// "0" makes the simulated cluster and the real one run many more and longer runs than the default test run.
/// </summary>
public static class LongRuns
{
    public const string Variable = "JOBLOG_LONG_PROPERTIES";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value && value != "0";
}
