using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using JobLog.Dispatch;
using JobLog.Integration.Cluster;
using JobLog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace JobLog.Integration.Dispatch.Cluster;

/// <summary>
/// Three real nodes on PostgreSQL and ZooKeeper dispatching Europe/Berlin jobs across a change of the clocks in 2027, on
/// the dispatchers' simulated clock (four simulated hours a real minute). The instants each job must be delivered at are
/// written out below from the rule of the README's "Time zones": a local time the change skips does not fire, one it
/// repeats fires once, at its first instant. Every job is fireAll with a day's catch-up window and allows overlapping
/// runs, so a leader's absence changes only who delivers an occurrence, never whether.
/// </summary>
[Collection(ClusterServers.Collection)]
public sealed class DstClusterDispatchTests(ClusterServers servers, ITestOutputHelper output)
{
    private const string Zone = "Europe/Berlin";
    private const double Rate = 240;

    private static readonly TimeSpan Patience = DispatchingCluster.Patience;

    // Real time the first node has to start and take over before the simulated clock reaches the window.
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(20);

    // How far past the window the clock must be before the test stops the jobs (a simulated quarter hour).
    private static readonly TimeSpan Beyond = TimeSpan.FromMinutes(15);

    private const string EveryQuarterHour = "*/15 * * * *";
    private const string DailyAt0230 = "30 2 * * *";
    private const string HalfHourlyFrom1To3 = "*/30 1-3 * * *";
    private const string At0200Every20MinutesWithSeconds = "0 */20 2 * * *";

    private static readonly string[] Crons = [EveryQuarterHour, DailyAt0230, HalfHourlyFrom1To3, At0200Every20MinutesWithSeconds];

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public async Task Across_Berlins_spring_forward_the_skipped_hour_never_fires_even_with_the_leader_killed_just_before_it()
    {
        // 2027-03-28 01:00Z: 02:00 CET becomes 03:00 CEST; local 02:00-02:59 does not exist that night.
        var seen = await DispatchAcrossAsync(Instant("2027-03-28T00:00:00Z"), Instant("2027-03-28T01:45:00Z"), killAt: Instant("2027-03-28T00:40:00Z"));

        seen.Expect(EveryQuarterHour,
            "2027-03-28T00:00:00.0000000Z", "2027-03-28T00:15:00.0000000Z", "2027-03-28T00:30:00.0000000Z", "2027-03-28T00:45:00.0000000Z",
            "2027-03-28T01:00:00.0000000Z", "2027-03-28T01:15:00.0000000Z", "2027-03-28T01:30:00.0000000Z", "2027-03-28T01:45:00.0000000Z");
        seen.Expect(DailyAt0230);
        // 01:00 and 01:30 CET, then 03:00 and 03:30 CEST.
        seen.Expect(HalfHourlyFrom1To3,
            "2027-03-28T00:00:00.0000000Z", "2027-03-28T00:30:00.0000000Z", "2027-03-28T01:00:00.0000000Z", "2027-03-28T01:30:00.0000000Z");
        seen.Expect(At0200Every20MinutesWithSeconds);
    }

    [Fact]
    public async Task Across_Berlins_fall_back_the_repeated_hour_fires_once_at_its_first_instant()
    {
        // 2027-10-31 01:00Z: 03:00 CEST becomes 02:00 CET; local 02:00-02:59 shows at 00:00-00:59Z and again at 01:00-01:59Z.
        var seen = await DispatchAcrossAsync(Instant("2027-10-31T00:00:00Z"), Instant("2027-10-31T02:00:00Z"), killAt: null);

        // 02:00-02:45 CEST; the same wall times in CET do not fire again; 03:00 CET.
        seen.Expect(EveryQuarterHour,
            "2027-10-31T00:00:00.0000000Z", "2027-10-31T00:15:00.0000000Z", "2027-10-31T00:30:00.0000000Z", "2027-10-31T00:45:00.0000000Z",
            "2027-10-31T02:00:00.0000000Z");
        seen.Expect(DailyAt0230, "2027-10-31T00:30:00.0000000Z");
        seen.Expect(HalfHourlyFrom1To3, "2027-10-31T00:00:00.0000000Z", "2027-10-31T00:30:00.0000000Z", "2027-10-31T02:00:00.0000000Z");
        seen.Expect(At0200Every20MinutesWithSeconds, "2027-10-31T00:00:00.0000000Z", "2027-10-31T00:20:00.0000000Z", "2027-10-31T00:40:00.0000000Z");
    }

    /// <summary>
    /// Starts a cluster whose clock reaches <paramref name="from"/> a little after its first node took over, makes a job per
    /// cron, kills the leader once the clock passes <paramref name="killAt"/> (if given), lets the clock run past
    /// <paramref name="to"/>, and returns each job's run records and deliveries scheduled inside the window.
    /// </summary>
    private async Task<SeenOccurrences> DispatchAcrossAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset? killAt)
    {
        var clock = SimulatedTime.Reaching(from, StartUp, Rate);
        await using var dispatching = await DispatchingCluster.StartAsync(servers, settings: clock.Settings, startNodes: false);
        var cluster = dispatching.Cluster;

        // Occurrences before a store's first take-over are never owed: the first node must take over before the window.
        var first = cluster.Nodes[0];
        await first.StartAsync();
        await Wait.Eventually(async () => (await first.StatusAsync()).Dispatcher is { Dispatching: true }, Patience,
            () => $"{first.Id} takes over dispatching");
        var tookOverBy = clock.Now;
        Assert.True(tookOverBy < from,
            $"{first.Id} took over at simulated {tookOverBy:O} or before, not before the window's start {from:O}: it took longer than {StartUp} to start");

        var policy = new JsonObject { ["misfire"] = "fireAll", ["catchUpWindowSeconds"] = 86_400, ["concurrency"] = "allow" };
        var jobs = new Dictionary<string, string>();
        foreach (var cron in Crons)
            jobs[cron] = await dispatching.CreateJobAsync(first, cron, timeZone: Zone, policy: policy.DeepClone().AsObject());
        foreach (var node in cluster.Nodes.Skip(1))
            await node.StartAsync();

        if (killAt is { } kill)
        {
            await Wait.Eventually(() => clock.Now >= kill, Patience, () => $"the simulated clock passes {kill:O}; now {clock.Now:O}");
            var leader = await cluster.LeaderAsync(Patience);
            await leader.KillAsync();
            var killedAt = clock.Now;
            var next = await cluster.LeaderAsync(Patience);
            Assert.NotEqual(leader, next);
            await Wait.Eventually(async () => (await next.StatusAsync()).Dispatcher is { Dispatching: true }, Patience,
                () => $"{next.Id} takes over dispatching");
            output.WriteLine($"{leader.Id} killed at simulated {killedAt:O}; {next.Id} dispatching by simulated {clock.Now:O}");
        }

        var end = to + Beyond;
        await Wait.Eventually(() => clock.Now >= end, Patience, () => $"the simulated clock passes {end:O}; now {clock.Now:O}");
        // The leader got that far: the quarter-hourly job's occurrence after the window arrived.
        var quarter = jobs[EveryQuarterHour];
        await Wait.Eventually(
            () => dispatching.DeliveriesOf(quarter).Any(d => Instant(d.Header(RunHeaders.Occurrence)!) >= end), Patience,
            () => $"an occurrence of {EveryQuarterHour} at or after {end:O} delivered");

        var live = await cluster.LeaderAsync(Patience);
        foreach (var id in jobs.Values)
            await DispatchingCluster.PauseAsync(live, id);
        var runs = await DispatchingCluster.SettledRunsAsync(live, [.. jobs.Values]);

        bool Inside(DateTimeOffset at) => at >= from && at <= to;
        var seen = new SeenOccurrences();
        foreach (var (cron, id) in jobs)
        {
            var recorded = runs[id].Where(r => r.GetProperty("kind").GetString() != "manual" && Inside(LeaderGap.ScheduledAt(r))).ToList();
            var delivered = dispatching.DeliveriesOf(id).Select(d => d.Header(RunHeaders.Occurrence)!).Where(o => Inside(Instant(o))).ToList();
            seen.Add(cron, recorded, delivered);
            foreach (var run in recorded)
                output.WriteLine($"{cron}: {run}");
        }
        return seen;
    }

    /// <summary>What each cron's job recorded and was delivered inside the window, compared with the instants the rule gives.</summary>
    private sealed class SeenOccurrences
    {
        private readonly Dictionary<string, (IReadOnlyList<JsonElement> Runs, IReadOnlyList<string> Delivered)> _byCron = [];

        public void Add(string cron, IReadOnlyList<JsonElement> runs, IReadOnlyList<string> delivered) => _byCron[cron] = (runs, delivered);

        public void Expect(string cron, params string[] occurrences)
        {
            var (runs, delivered) = _byCron[cron];
            var recorded = runs.Select(r => RunHeaders.FormatOccurrence(LeaderGap.ScheduledAt(r))).Order(StringComparer.Ordinal).ToList();
            Assert.True(occurrences.SequenceEqual(recorded),
                $"{cron} in {Zone}: runs recorded for [{string.Join(", ", recorded)}], the rule gives [{string.Join(", ", occurrences)}]");

            var twice = delivered.GroupBy(o => o).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"{cron} in {Zone}: delivered more than once: {string.Join(", ", twice)}");
            // A run whose call began on a leader that was then killed is in doubt: the target may or may not have it.
            var inDoubt = runs.Where(r => LeaderGap.Outcome(r) == "failed" && r.GetProperty("error").GetString()?.StartsWith("in doubt", StringComparison.Ordinal) == true)
                .Select(r => RunHeaders.FormatOccurrence(LeaderGap.ScheduledAt(r))).ToHashSet();
            var owed = occurrences.Where(o => !inDoubt.Contains(o) || delivered.Contains(o)).ToList();
            Assert.True(owed.SequenceEqual(delivered.Order(StringComparer.Ordinal)),
                $"{cron} in {Zone}: delivered [{string.Join(", ", delivered)}], the rule gives [{string.Join(", ", occurrences)}]");
            var failed = runs.Where(r => LeaderGap.Outcome(r) != "succeeded"
                                         && !inDoubt.Contains(RunHeaders.FormatOccurrence(LeaderGap.ScheduledAt(r)))).ToList();
            Assert.True(failed.Count == 0, $"{cron} in {Zone}: runs that did not succeed: {string.Join(", ", failed)}");
        }
    }
}
