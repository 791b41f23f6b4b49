using JobLog.Model;

namespace JobLog.Dispatch.Leader;

/// <summary>The one place the dispatcher reads a job's dispatch policy from its definition.</summary>
public static class JobPolicies
{
    public static DispatchPolicy Of(JobDefinition definition) => definition.Policy;
}
