using System.Net.Sockets;
using JobLog.Store;
using Npgsql;
using Polly.Timeout;

namespace JobLog.Properties.Store;

/// <summary>Only a store that cannot serve now is "unavailable"; a PostgreSQL error about the data or the statement is a bug or bad input.</summary>
public sealed class StoreFailuresTests
{
    private static readonly char[] StateCharacters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray();

    [Theory]
    [InlineData("08006")] // connection_failure
    [InlineData("08001")] // sqlclient_unable_to_establish_sqlconnection
    [InlineData("53300")] // too_many_connections
    [InlineData("53100")] // disk_full
    [InlineData("57P01")] // admin_shutdown
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now
    [InlineData("57014")] // query_canceled (statement_timeout)
    [InlineData("55P03")] // lock_not_available
    [InlineData("40001")] // serialization_failure, transient for Npgsql
    public void A_postgresql_error_of_a_server_that_cannot_serve_now_is_unavailability(string sqlState) =>
        Assert.True(StoreFailures.IsUnavailability(Wrapped(Postgres(sqlState))));

    [Theory]
    [InlineData("22P05")] // untranslatable_character: a NUL in a string
    [InlineData("22021")] // character_not_in_repertoire
    [InlineData("22001")] // string_data_right_truncation
    [InlineData("23502")] // not_null_violation
    [InlineData("23514")] // check_violation
    [InlineData("42P01")] // undefined_table
    [InlineData("42703")] // undefined_column
    [InlineData("42601")] // syntax_error
    [InlineData("0A000")] // feature_not_supported
    [InlineData("XX000")] // internal_error
    public void A_postgresql_error_about_the_data_or_the_statement_is_not_unavailability(string sqlState) =>
        Assert.False(StoreFailures.IsUnavailability(Wrapped(Postgres(sqlState))));

    [Property(MaxTest = 500)]
    public Property Every_error_of_the_data_integrity_and_statement_classes_is_not_unavailability_however_it_is_wrapped() =>
        Prop.ForAll(
            Arb.From(
                from errorClass in Gen.Elements("22", "23", "42")
                from rest in Gen.ArrayOf(Gen.Elements(StateCharacters), 3)
                from wrappers in Gen.Choose(0, 3)
                select (State: errorClass + new string(rest), Wrappers: wrappers)),
            c => !StoreFailures.IsUnavailability(Wrapped(Postgres(c.State), c.Wrappers)));

    [Property(MaxTest = 500)]
    public Property Every_error_of_the_connection_and_resource_classes_is_unavailability_however_it_is_wrapped() =>
        Prop.ForAll(
            Arb.From(
                from errorClass in Gen.Elements("08", "53")
                from rest in Gen.ArrayOf(Gen.Elements(StateCharacters), 3)
                from wrappers in Gen.Choose(0, 3)
                select (State: errorClass + new string(rest), Wrappers: wrappers)),
            c => StoreFailures.IsUnavailability(Wrapped(Postgres(c.State), c.Wrappers)));

    [Fact]
    public void A_connection_npgsql_could_not_open_or_lost_is_unavailability()
    {
        Assert.True(StoreFailures.IsUnavailability(new NpgsqlException("Failed to connect", new SocketException(111))));
        Assert.True(StoreFailures.IsUnavailability(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(StoreFailures.IsUnavailability(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
        Assert.True(StoreFailures.IsUnavailability(new TimeoutRejectedException()));
    }

    [Fact]
    public void An_npgsql_error_without_a_transient_cause_and_a_plain_bug_are_not_unavailability()
    {
        Assert.False(StoreFailures.IsUnavailability(new NpgsqlException("Received unexpected backend message")));
        Assert.False(StoreFailures.IsUnavailability(new InvalidOperationException("Connection is not open")));
        Assert.False(StoreFailures.IsUnavailability(new ArgumentException("bad", "value")));
    }

    private static PostgresException Postgres(string sqlState) => new("message from the server", "ERROR", "ERROR", sqlState);

    private static Exception Wrapped(Exception inner, int times = 1)
    {
        for (var i = 0; i < times; i++)
            inner = new InvalidOperationException("wrapped by a library", inner);
        return inner;
    }
}
