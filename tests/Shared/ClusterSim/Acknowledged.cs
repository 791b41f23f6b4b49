using JobLog.Model;

namespace JobLog.Testing.ClusterSim;

/// <summary>A write a client was told succeeded: through which node, by which operation, and the event it was told about.</summary>
public sealed record Acknowledged(string Node, string Operation, RecordedEvent Recorded);
