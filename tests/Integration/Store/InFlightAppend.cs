using JobLog.Model;
using Marten;
using Marten.Services;
using Npgsql;

namespace JobLog.Integration.Store;

/// <summary>
/// Marten's own append of one event, run inside a transaction the test holds open: its sequence number is taken and
/// its row inserted, but nobody sees it until <see cref="CommitAsync"/>, and <see cref="RollBackAsync"/> leaves a hole.
/// </summary>
public sealed class InFlightAppend : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private InFlightAppend(NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence)
    {
        _connection = connection;
        _transaction = transaction;
        Sequence = sequence;
    }

    public long Sequence { get; }

    public static async Task<InFlightAppend> BeginAsync(
        IDocumentStore documents, string connectionString, JobId job, long expectedVersion, IJobEvent change)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var session = documents.LightweightSession(SessionOptions.ForTransaction(transaction));
        var action = expectedVersion == 0
            ? session.Events.StartStream(job.Value, change)
            : session.Events.Append(job.Value, expectedVersion + 1, change);
        await session.SaveChangesAsync();
        return new InFlightAppend(connection, transaction, action.Events[0].Sequence);
    }

    public Task CommitAsync() => _transaction.CommitAsync();

    public Task RollBackAsync() => _transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
