using JasperFx;
using JasperFx.Events;
using JobLog.Model;
using Marten;
using Weasel.Core;

namespace JobLog.Store;

/// <summary>The one place that decides how JobLog's events are laid out in Marten.</summary>
public static class JobLogMarten
{
    public static void Configure(StoreOptions options, string connectionString, string schema)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        // A node checks the schema once at start (MartenJobEventStore); with a fingerprint of the expected DDL stamped in
        // the schema, an unchanged schema costs one query instead of reading the catalog. A change made to the tables
        // by hand, outside Marten, goes unnoticed while the stamp matches.
        options.Advanced.Migrator.UseSchemaFingerprinting = true;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        // The feed's reading of sequence holes relies on this mode: one statement takes the number and inserts the row
        // in the appending transaction (Rich mode takes numbers in a separate statement before that transaction begins).
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        // The stream row is locked before the expected version is checked, so of two appends at the same version the
        // loser waits and then fails before it takes a sequence number: conflicts leave no holes in the sequence.
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        // Stored under the registry's names, not Marten's default (derived from the class name), so renaming a class
        // never changes what is stored; the reader also knows the names Marten gave events before (JobEventTypes).
        foreach (var type in JobEventTypes.All)
        {
            options.Events.AddEventType(type);
            options.Events.MapEventType(type, JobEventTypes.NameOf(type));
        }
    }

    public static DocumentStore CreateDocumentStore(string connectionString, string schema) =>
        DocumentStore.For(options => Configure(options, connectionString, schema));
}
