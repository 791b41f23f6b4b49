using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>The one place the dispatcher reads a job's dispatch policy from its definition.</summary>
public static class JobPolicies
{
    // Until JobDefinition carries its own policy every job dispatches under the default; this is the line that changes then.
    public static DispatchPolicy Of(JobDefinition definition) => DispatchPolicy.Default;
}
