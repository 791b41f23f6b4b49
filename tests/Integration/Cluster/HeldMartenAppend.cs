using JobLog.Model;
using JobLog.Store;
using Npgsql;

namespace JobLog.Integration.Cluster;

/// <summary>A real Marten append in a transaction held open: its sequence number is taken, its commit waits for the test.</summary>
internal sealed record HeldMartenAppend(
    HoldRequest Request,
    JobId Job,
    long Sequence,
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction,
    TaskCompletionSource<AppendOutcome> Reply)
{
    public RealNode Writer => Request.Writer;
}
