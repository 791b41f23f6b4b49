namespace JobLog.Integration.Dispatch.Model;

/// <summary>A dispatcher that believes it leads with <see cref="Epoch"/>; two of them may be the same node elected twice.</summary>
public sealed record WouldBeLeader(string Node, long Epoch);
