using JobLog.Model;
using Npgsql;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// How a run is laid out in <c>dispatch_runs</c>: the column list every statement returns and the names kinds and outcomes
/// are stored under. The names are written out here, not taken from the enums, so renaming a member never changes what
/// is stored; they are the API's names too.
/// </summary>
internal static class RunRows
{
    public const string Columns =
        "id, job_id, job_version, scheduled_at, kind, trigger_id, claimed_by, epoch, claimed_at, started_at, ended_at, " +
        "attempts, outcome, http_status, error, incarnation";

    /// <summary><see cref="Columns"/> of the table named <paramref name="alias"/> in a statement that joins others.</summary>
    public static string QualifiedColumns(string alias) =>
        string.Join(", ", Columns.Split(", ").Select(column => $"{alias}.{column}"));

    /// <summary>The longest error text kept; a run's error is a short reason, never a dump.</summary>
    public const int MaxErrorLength = 1000;

    public static string NameOf(RunKind kind) => kind switch
    {
        RunKind.Scheduled => "scheduled",
        RunKind.CatchUp => "catchUp",
        RunKind.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown run kind."),
    };

    public static string NameOf(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Succeeded => "succeeded",
        RunOutcome.Failed => "failed",
        RunOutcome.TimedOut => "timedOut",
        RunOutcome.Skipped => "skipped",
        RunOutcome.Misfired => "misfired",
        RunOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown run outcome."),
    };

    public static RunKind KindNamed(string name) => name switch
    {
        "scheduled" => RunKind.Scheduled,
        "catchUp" => RunKind.CatchUp,
        "manual" => RunKind.Manual,
        _ => throw new InvalidOperationException($"Unknown run kind '{name}' in the run store."),
    };

    public static RunOutcome OutcomeNamed(string name) => name switch
    {
        "succeeded" => RunOutcome.Succeeded,
        "failed" => RunOutcome.Failed,
        "timedOut" => RunOutcome.TimedOut,
        "skipped" => RunOutcome.Skipped,
        "misfired" => RunOutcome.Misfired,
        "refused" => RunOutcome.Refused,
        _ => throw new InvalidOperationException($"Unknown run outcome '{name}' in the run store."),
    };

    /// <summary>The SQL check that keeps every stored kind one of <see cref="NameOf(RunKind)"/>.</summary>
    public static string KindCheck => InList(Enum.GetValues<RunKind>().Select(NameOf));

    /// <summary>The SQL check that keeps every stored outcome one of <see cref="NameOf(RunOutcome)"/>.</summary>
    public static string OutcomeCheck => InList(Enum.GetValues<RunOutcome>().Select(NameOf));

    /// <summary>
    /// PostgreSQL keeps instants to the microsecond: an instant is compared and returned as it will be stored, so a claim
    /// and the row written for it name the same occurrence.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);

    /// <summary>
    /// An error as it is stored: PostgreSQL text cannot hold NUL, and a reason longer than <see cref="MaxErrorLength"/> is
    /// cut (marked with an ellipsis) rather than refused, since refusing would lose the outcome with it.
    /// </summary>
    public static string? StoredError(string? error)
    {
        if (error is null)
            return null;
        var clean = error.Replace('\0', '\uFFFD');
        return clean.Length <= MaxErrorLength ? clean : string.Concat(clean.AsSpan(0, MaxErrorLength - 1), "…");
    }

    /// <summary>Reads a row laid out as <see cref="Columns"/>, starting at column <paramref name="first"/>.</summary>
    public static RunRecord Read(NpgsqlDataReader reader, int first = 0) => new(
        Id: reader.GetInt64(first),
        Job: JobId.Parse(reader.GetString(first + 1)),
        JobVersion: reader.GetInt64(first + 2),
        ScheduledAt: reader.GetFieldValue<DateTimeOffset>(first + 3),
        Kind: KindNamed(reader.GetString(first + 4)),
        TriggerId: NullOr<Guid>(reader, first + 5),
        ClaimedBy: reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
        Epoch: NullOr<long>(reader, first + 7),
        ClaimedAt: NullOr<DateTimeOffset>(reader, first + 8),
        StartedAt: NullOr<DateTimeOffset>(reader, first + 9),
        EndedAt: NullOr<DateTimeOffset>(reader, first + 10),
        Attempts: reader.GetInt32(first + 11),
        Outcome: reader.IsDBNull(first + 12) ? null : OutcomeNamed(reader.GetString(first + 12)),
        HttpStatus: NullOr<int>(reader, first + 13),
        Error: reader.IsDBNull(first + 14) ? null : reader.GetString(first + 14),
        Incarnation: reader.IsDBNull(first + 15) ? null : reader.GetString(first + 15));

    private static T? NullOr<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    private static string InList(IEnumerable<string> names) => $"({string.Join(", ", names.Select(n => $"'{n}'"))})";
}
