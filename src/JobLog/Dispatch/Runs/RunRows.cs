using JobLog.Model;
using Npgsql;

namespace JobLog.Dispatch.Runs;

/// <summary>
/// How a run is laid out in <c>dispatch_runs</c>: the column list every statement returns; kinds and outcomes are stored
/// under their <see cref="RunNames"/>, the API's names too.
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

    public static RunKind KindNamed(string name) =>
        RunNames.KindNamed(name) ?? throw new InvalidOperationException($"Unknown run kind '{name}' in the run store.");

    public static RunOutcome OutcomeNamed(string name) =>
        RunNames.OutcomeNamed(name) ?? throw new InvalidOperationException($"Unknown run outcome '{name}' in the run store.");

    /// <summary>The SQL check that keeps every stored kind one of <see cref="RunNames.NameOf(RunKind)"/>.</summary>
    public static string KindCheck => InList(Enum.GetValues<RunKind>().Select(RunNames.NameOf));

    /// <summary>The SQL check that keeps every stored outcome one of <see cref="RunNames.NameOf(RunOutcome)"/>.</summary>
    public static string OutcomeCheck => InList(Enum.GetValues<RunOutcome>().Select(RunNames.NameOf));

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
