using System.Text.RegularExpressions;
using System.Xml.Linq;
using JobLog.Store;
using Npgsql;

namespace JobLog.Secrets;

/// <summary>
/// The key ring in PostgreSQL, in the event store's schema: <c>secret_key_ring</c> (one row per Data Protection element,
/// appended, never changed) and <c>secret_fingerprint_key</c> (one row). Created on first use under the schema's advisory
/// lock. Anyone who can read these tables can decrypt the secrets: the database's access control guards them, as it
/// guards the events.
/// </summary>
public sealed partial class PostgresKeyRingStorage : IKeyRingStorage, IAsyncDisposable
{
    private static readonly string[] Tables = ["secret_key_ring", "secret_fingerprint_key"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _ring;
    private readonly string _fingerprint;
    private volatile bool _schemaReady;

    public PostgresKeyRingStorage(string connectionString, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // The schema is written into statements: only a plain lowercase identifier, as the options validate it too.
        if (!SchemaName().IsMatch(schema))
            throw new ArgumentException($"'{schema}' is not a valid schema name.", nameof(schema));
        _schema = schema;
        _ring = $"{schema}.secret_key_ring";
        _fingerprint = $"{schema}.secret_fingerprint_key";
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The text whose <c>hashtextextended(text, 0)</c> is the key ring lock's key.</summary>
    public static string LockName(string schema) => $"joblog key ring {schema}";

    // Data Protection reads and writes its ring synchronously: these two are the only blocking calls.
    public IReadOnlyCollection<XElement> GetAllElements() => Run(() =>
    {
        EnsureSchema();
        using var command = _dataSource.CreateCommand($"select xml from {_ring} order by id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    });

    public void StoreElement(XElement element, string friendlyName) => Run(() =>
    {
        EnsureSchema();
        using var command = _dataSource.CreateCommand($"insert into {_ring} (friendly_name, xml) values (@name, @xml)");
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
        return true;
    });

    public async Task<T> WithLockAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await RunAsync(EnsureSchemaAsync, cancellationToken);
        await using var connection = await RunAsync(ct => _dataSource.OpenConnectionAsync(ct).AsTask(), cancellationToken);
        await using var transaction = await RunAsync(ct => connection.BeginTransactionAsync(ct).AsTask(), cancellationToken);
        await RunAsync(async ct =>
        {
            await using var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction);
            take.Parameters.AddWithValue("name", LockName(_schema));
            return await take.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        var result = await work(cancellationToken);
        await RunAsync(async ct =>
        {
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
        return result;
    }

    public Task<string> GetOrAddFingerprintKeyAsync(string candidate, CancellationToken cancellationToken) =>
        RunAsync(async ct =>
        {
            await EnsureSchemaAsync(ct);
            await using var command = _dataSource.CreateCommand(
                $"insert into {_fingerprint} (id, protected_key) values (1, @key) on conflict (id) do nothing; " +
                $"select protected_key from {_fingerprint} where id = 1");
            command.Parameters.AddWithValue("key", candidate);
            return (string)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private void EnsureSchema()
    {
        if (_schemaReady)
            return;
        using var connection = _dataSource.OpenConnection();
        using (var present = PresenceQuery(connection))
        {
            if ((long)present.ExecuteScalar()! == Tables.Length)
            {
                _schemaReady = true;
                return;
            }
        }
        using var transaction = connection.BeginTransaction();
        using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction))
        {
            take.Parameters.AddWithValue("name", SchemaLock.Name(_schema));
            take.ExecuteNonQuery();
        }
        using (var create = new NpgsqlCommand(Ddl(), connection, transaction))
            create.ExecuteNonQuery();
        transaction.Commit();
        _schemaReady = true;
    }

    private async Task<bool> EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
            return true;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var present = PresenceQuery(connection))
        {
            if ((long)(await present.ExecuteScalarAsync(cancellationToken))! == Tables.Length)
            {
                _schemaReady = true;
                return true;
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction))
        {
            take.Parameters.AddWithValue("name", SchemaLock.Name(_schema));
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand(Ddl(), connection, transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _schemaReady = true;
        return true;
    }

    // A schema that has both tables is left alone: no DDL, no lock, on every start after the first.
    private NpgsqlCommand PresenceQuery(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
            "where n.nspname = @schema and c.relname = any(@names)", connection);
        command.Parameters.AddWithValue("schema", _schema);
        command.Parameters.AddWithValue("names", Tables);
        return command;
    }

    // Idempotent, and run under the schema's advisory lock (Marten's and the run store's DDL hold it too), so nodes
    // starting together on a fresh database neither race each other nor them.
    private string Ddl() =>
        $"""
         create schema if not exists {_schema};
         create table if not exists {_ring} (
             id bigint generated always as identity primary key,
             friendly_name text not null,
             xml text not null,
             stored_at timestamptz not null default now()
         );
         create table if not exists {_fingerprint} (
             id smallint primary key check (id = 1),
             protected_key text not null,
             stored_at timestamptz not null default now()
         );
         """;

    private static T Run<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new StoreUnavailableException("The key ring in PostgreSQL could not be read or written.", e);
        }
    }

    private static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new StoreUnavailableException("The key ring in PostgreSQL could not be read or written.", e);
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
