using JobLog.Model;
using JobLog.Store;

namespace JobLog.Properties.ClusterSim;

/// <summary>An append in flight: its sequence number is taken, its commit (and the writer's answer) waits for the simulation.</summary>
internal sealed record HeldAppend(
    SimulatedNode Writer, long Sequence, JobId Job, long ExpectedVersion, IJobEvent Change, TaskCompletionSource<AppendOutcome> Reply);
