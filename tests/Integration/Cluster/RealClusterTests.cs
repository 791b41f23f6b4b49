using FsCheck.Fluent;
using JobLog.Integration.Fixtures;
using JobLog.Store;
using JobLog.Testing.ClusterSim;
using Marten;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace JobLog.Integration.Cluster;

/// <summary>
/// The simulated cluster's operation generator driving nodes wired the same way over real PostgreSQL and a real
/// ZooKeeper (see <see cref="RealCluster"/>): a few dozen short runs, each checked at rest with the same properties,
/// except that leadership is held to what a real cluster promises (one node per epoch, each node's epochs growing).
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class RealClusterTests(PostgresFixture postgres, ZooKeeperFixture zookeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    // A few dozen short runs keep the default test run under a minute; the long mode runs many more and longer.
    private static readonly (int Runs, int MaxOps) Size = LongRuns.Enabled ? (300, 80) : (30, 40);

    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(4);

    private readonly string _schema = PostgresFixture.NewSchemaName();
    private DocumentStore _documents = null!;
    private MartenJobEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _documents = JobLogMarten.CreateDocumentStore(postgres.ConnectionString, _schema);
        _store = new MartenJobEventStore(_documents);
        // Creates the schema once, before the first run.
        await _store.StreamVersionsAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _documents.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Generated_runs_on_real_servers_end_with_every_live_node_on_the_stores_fold_and_no_acknowledged_write_lost()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (count, maxOps) = Size;
        // Each run starts with every job added, through different nodes, so that a short run's writes mostly find their job.
        var runs = ClusterRuns.Generator(maxOps).Sample(count, maxOps / 2)
            .Select(run => run with
            {
                Ops = [.. Enumerable.Range(0, ClusterJobs.Count).Select(job => new WriteOp(job % run.Nodes, JobChange.Add, job, VersionChoice.Latest, false)), .. run.Ops],
            });
        foreach (var (run, i) in runs.Select((run, i) => (run, i)))
        {
            await EmptyStoreAsync();
            var cluster = await RealCluster.StartAsync(_store, _documents, postgres.ConnectionString, zookeeper.Server, run.Nodes).WaitAsync(RunDeadline);
            var stage = "running";
            try
            {
                // Every wait inside has its own deadline; this one turns a wait that has none into a failure with the story.
                var verdict = await cluster.RunAsync(run.Ops).WaitAsync(RunDeadline);
                Assert.True(verdict.Holds, $"Run {i + 1} of {count}: {run}{Environment.NewLine}{verdict}{Environment.NewLine}{cluster.Trace.Tail(150)}");
                output.WriteLine($"run {i + 1}: {run.Nodes} nodes, {run.Ops.Count} operations, {cluster.Summary}");
                stage = "shutting down";
                await cluster.DisposeAsync().AsTask().WaitAsync(RunDeadline);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Run {i + 1} of {count} was still {stage} after {RunDeadline}: {run}{Environment.NewLine}{cluster.Trace.Tail(150)}");
            }
        }
        output.WriteLine($"{count} runs of up to {maxOps} operations in {clock.Elapsed.TotalSeconds:F1} s");
    }

    // Every run starts from an empty store; the global sequence goes on where the last run left it, which the feed
    // reads past as it reads past any numbers no transaction can fill any more.
    private async Task EmptyStoreAsync()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        // A transaction of the last run still open would make the truncate wait for good: fail with the reason instead.
        await using var command = new NpgsqlCommand($"set lock_timeout = '60s'; truncate {_schema}.mt_events, {_schema}.mt_streams", connection);
        await command.ExecuteNonQueryAsync();
    }
}
