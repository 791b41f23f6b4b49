using System.Collections.Immutable;
using System.Globalization;
using JobLog.Dispatch.Leader;

namespace JobLog.Properties.Dispatch;

/// <summary>One job left without a leader: changed at <see cref="Changed"/>, last recorded at <see cref="Latest"/>, planned at <see cref="Now"/>.</summary>
public sealed record MisfireCase(
    string Cron,
    string Zone,
    bool Enabled,
    DateTimeOffset Changed,
    DateTimeOffset? Latest,
    DateTimeOffset Now,
    DispatchPolicy Policy,
    MisfireLimits Limits)
{
    private static readonly DateTimeOffset Base = new(2026, 3, 29, 0, 0, 0, 250, TimeSpan.Zero);

    private static readonly string[] Crons = ["* * * * * *", "*/7 * * * * *", "*/5 * * * *", "0 * * * *", "30 2 * * *", "0 0 31 2 *"];

    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "Australia/Lord_Howe"];

    public JobState Job => JobOf(Cron, Zone, Changed, Enabled);

    public static JobState JobOf(string cron, string zone, DateTimeOffset changed, bool enabled = true) => new(
        JobId.Parse("j"),
        new JobDefinition("j", cron, zone, new WebhookTarget("http://t.test/", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 5)),
        enabled,
        JobStatus.Active,
        3,
        changed,
        changed);

    public static Arbitrary<MisfireCase> Arbitrary()
    {
        var gen =
            from cron in Gen.Elements(Crons)
            from zone in Gen.Elements(Zones)
            from enabled in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
            // Up to two hours of gap for the per-second schedules (thousands of occurrences), up to three days otherwise.
            from changedSeconds in Gen.Choose(0, 3600)
            from latestAfter in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(-600, 3600).Select(s => (int?)s))
            from gapSeconds in cron.EndsWith("* * * * *", StringComparison.Ordinal) && cron.Split(' ').Length == 6
                ? Gen.Choose(0, 2400)
                : Gen.Choose(0, 86400)
            from misfire in Gen.Elements(MisfirePolicy.FireOnce, MisfirePolicy.Skip, MisfirePolicy.FireAll)
            from window in Gen.Elements(0, 1, 30, 600, 3600, 86400)
            from maxCatchUp in Gen.Choose(1, 5)
            from maxRecords in Gen.Choose(1, 50)
            let changed = Base.AddSeconds(changedSeconds)
            let latest = latestAfter is { } l ? changed.AddSeconds(l) : (DateTimeOffset?)null
            select new MisfireCase(
                cron, zone, enabled, changed, latest, changed.AddSeconds(gapSeconds),
                DispatchPolicy.Default with { Misfire = misfire, CatchUpWindowSeconds = window },
                new MisfireLimits(maxCatchUp, maxRecords));
        return gen.ToArbitrary();
    }

    public override string ToString() =>
        $"cron '{Cron}' in {Zone}{(Enabled ? "" : " (paused)")}, changed {Text(Changed)}, latest recorded {(Latest is { } l ? Text(l) : "none")}, "
        + $"now {Text(Now)}, {Policy.Misfire} with a window of {Policy.CatchUpWindowSeconds} s, "
        + $"at most {Limits.MaxCatchUpRuns} catch-up runs and {Limits.MaxMisfireRecords} misfire records";

    private static string Text(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
