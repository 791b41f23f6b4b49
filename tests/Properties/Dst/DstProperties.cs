using System.Diagnostics;
using Xunit.Abstractions;

namespace JobLog.Properties.Dst;

/// <summary>
/// Issue 9's property: for every IANA zone and every DST transition from 2000 to 2040, next-occurrence computation
/// never skips a valid wall-clock fire nor fires one twice. <see cref="CronTiming"/> must return exactly what the
/// <see cref="WallClockOracle"/> finds by walking the wall clock.
/// </summary>
public sealed class DstProperties(ITestOutputHelper output)
{
    // Every minute and every quarter hour see each time around a change; the daily ones sit just before, inside and
    // at the edge of the usual changes (01:00, 02:00, 03:00 and midnight). A fire can be skipped or doubled only
    // within the shift of a change, so the window is the shift and an hour on each side (every minute), or three
    // hours, which brings each daily time into the window of a change at any of those hours.
    private static readonly string[] FixedCrons = ["* * * * *", "*/15 * * * *", "30 1 * * *", "30 2 * * *", "0 0 * * *"];

    [Property(MaxTest = 400, Arbitrary = [typeof(JobArbitraries)])]
    public Property Around_any_transition_of_any_zone_a_cron_fires_exactly_at_the_first_instant_of_each_existing_matching_wall_clock_time(DstCase c)
    {
        var zone = ZoneTransitions.Zones[c.Transition.Zone];
        Assert.True(CronTiming.TryCreate(c.Cron.Text, c.Transition.Zone, out var timing, out var errors), string.Join("; ", errors));
        var differences = DstComparison.Differences(zone, CronMatcher.Of(c.Cron), timing, c.After, c.End);
        return (differences.Count == 0).Label(string.Join(Environment.NewLine, differences.Take(10)));
    }

    // Every id of the catalog, links too (597 here): about 11 s of CPU, 34 s with the 2-core machine's load average at 40.
    [Fact]
    public void Every_zone_at_every_transition_from_2000_to_2040_fires_the_fixed_crons_exactly_as_the_wall_clock_says()
    {
        var ids = ZoneTransitions.Zones.Keys.ToList();
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var failures = new List<string>();
        var checkedTransitions = 0;
        var misread = 0;
        foreach (var id in ids)
        {
            var zone = ZoneTransitions.Zones[id];
            var crons = FixedCrons.Select(text =>
            {
                Assert.True(CronTiming.TryCreate(text, id, out var timing, out var errors), $"{id} {text}: {string.Join("; ", errors)}");
                return (Matcher: CronMatcher.Simple(text), Timing: timing);
            }).ToList();
            foreach (var transition in zone.Transitions(ZoneTransitions.FirstYear, ZoneTransitions.LastYear))
            {
                if (ZoneTransitions.MisreadByDotNet(transition))
                {
                    misread++;
                    continue;
                }
                checkedTransitions++;
                foreach (var (matcher, timing) in crons)
                {
                    var reach = transition.Shift.Duration() + (matcher.Text == "* * * * *" ? TimeSpan.FromHours(1) : TimeSpan.FromHours(3));
                    var differences = DstComparison.Differences(zone, matcher, timing, transition.At - reach, transition.At + reach);
                    if (differences.Count > 0 && failures.Count < 20)
                        failures.Add($"zone {id}, transition {transition}, cron {matcher}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", differences.Take(6))}");
                }
            }
        }
        output.WriteLine($"{ids.Count} zones, {checkedTransitions} transitions ({misread} left out as misread by .NET), {FixedCrons.Length} crons each, " +
                         $"in {clock.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s of CPU)");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Every_transition_left_out_as_misread_by_dotnet_is_still_misread_by_dotnet()
    {
        var misread = ZoneTransitions.Zones.Values
            .SelectMany(zone => zone.Transitions(ZoneTransitions.FirstYear, ZoneTransitions.LastYear))
            .Where(ZoneTransitions.MisreadByDotNet)
            .ToList();
        var readRight = misread.Where(transition =>
        {
            Assert.True(ZoneCatalog.TryFind(transition.Zone, out var dotnet));
            var zone = ZoneTransitions.Zones[transition.Zone];
            return Enumerable.Range(-26, 53)
                .Select(hours => transition.At.AddHours(hours))
                .All(at => dotnet.GetUtcOffset(at) == TimeSpan.FromSeconds(zone.OffsetAt(at.ToUnixTimeSeconds())));
        }).ToList();
        output.WriteLine($"{misread.Count} transitions left out: {string.Join(", ", misread.Select(t => t.Zone).Distinct())}");

        // When this fails .NET reads these transitions right: drop ZoneTransitions.MisreadByDotNet and check them all.
        Assert.True(readRight.Count == 0, "read right by .NET now: " + string.Join(Environment.NewLine, readRight));
    }
}
