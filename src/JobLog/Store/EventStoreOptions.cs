using System.ComponentModel.DataAnnotations;

namespace JobLog.Store;

/// <summary>Where this node keeps its events. Validated on start: a node without a store must not come up.</summary>
public sealed class EventStoreOptions
{
    public const string Section = "JobLog";
    public const string PostgresVariable = "JOBLOG_POSTGRES";

    /// <summary>Npgsql connection string; from <c>JobLog:Postgres</c> or the <c>JOBLOG_POSTGRES</c> variable.</summary>
    public string? Postgres { get; set; }

    /// <summary>PostgreSQL schema for Marten's tables.</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "joblog";

    /// <summary>Only for tests that ask for it: keep events in memory instead of PostgreSQL.</summary>
    public bool UseInMemoryStore { get; set; }
}
