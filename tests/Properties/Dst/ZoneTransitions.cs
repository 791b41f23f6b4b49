namespace JobLog.Properties.Dst;

/// <summary>Every zone of the <see cref="ZoneCatalog"/>, read from its TZif file, and each one's transitions from 2000 to 2040.</summary>
public static class ZoneTransitions
{
    public const int FirstYear = 2000;
    public const int LastYear = 2040;

    private static readonly Lazy<IReadOnlyDictionary<string, TzifZone>> LoadedZones = new(() =>
        ZoneCatalog.Ids.Order(StringComparer.Ordinal).ToDictionary(id => id, TzifZone.Load, StringComparer.Ordinal));

    private static readonly Lazy<IReadOnlyList<IReadOnlyList<ZoneTransition>>> LoadedByZone = new(() =>
        [.. Zones.Values
            .Select(zone => (IReadOnlyList<ZoneTransition>)[.. zone.Transitions(FirstYear, LastYear).Where(t => !MisreadByDotNet(t))])
            .Where(list => list.Count > 0)]);

    /// <summary>Every zone id of the catalog (links included), with its offsets.</summary>
    public static IReadOnlyDictionary<string, TzifZone> Zones => LoadedZones.Value;

    /// <summary>
    /// Whether <paramref name="transition"/> is one .NET itself reads wrongly from the zone file, so that no code built on
    /// <see cref="TimeZoneInfo"/> can fire right around it: a change made by the file's POSIX rule (past the end of its
    /// table) at a time of day outside 0-24 h. .NET 10 keeps the rule's day and drops the whole days of such a time, so
    /// the change comes a day early (Cairo's <c>M10.5.4/24</c>, Santiago's <c>/24</c>, Jerusalem's <c>M3.4.4/26</c>) or
    /// a day late (Nuuk's <c>M3.5.0/-1</c>). With Debian's fat TZif files that is from 2038 on; with slim ones, whose
    /// tables end years earlier, it would be now. <see cref="DstProperties"/> checks that .NET still misreads every
    /// one left out, so the exception ends when .NET is fixed.
    /// </summary>
    public static bool MisreadByDotNet(ZoneTransition transition)
    {
        var zone = Zones[transition.Zone];
        return transition.At.ToUnixTimeSeconds() > zone.TableEnd && zone.Rule?.ChangesToAtTimeOutsideDay(transition.After) == true;
    }

    /// <summary>The transitions of each zone that has any in the years, except those .NET misreads, one list per zone.</summary>
    public static IReadOnlyList<IReadOnlyList<ZoneTransition>> ByZone => LoadedByZone.Value;
}
