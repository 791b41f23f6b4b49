using System.Buffers.Binary;
using System.Text;

namespace JobLog.Properties.Dst;

/// <summary>
/// A zone's UTC offsets read straight from its TZif file (RFC 8536): the transition table, extended past its end
/// with the file's POSIX rule. The test's oracle and its list of transitions come from here, not from
/// <see cref="TimeZoneInfo"/>, so a misreading of the zone database by .NET shows up as a difference.
/// </summary>
public sealed class TzifZone
{
    // The rule at the end of the file is expanded up to here; every window the tests look at ends before it.
    private const int LastYear = 2042;

    private readonly long[] _changes;
    private readonly int[] _offsets;
    private readonly int _initial;

    private TzifZone(string id, long[] changes, int[] offsets, int initial, long tableEnd = long.MinValue, PosixZoneRule? rule = null)
    {
        Id = id;
        TableEnd = tableEnd;
        Rule = rule;
        _changes = changes;
        _offsets = offsets;
        _initial = initial;
    }

    public string Id { get; }

    /// <summary>The last instant (unix seconds) of the file's transition table; the <see cref="Rule"/> holds after it.</summary>
    public long TableEnd { get; }

    /// <summary>The POSIX rule at the end of the file, if any.</summary>
    public PosixZoneRule? Rule { get; }

    /// <summary>The zone <paramref name="id"/> of the catalog's zone directory.</summary>
    public static TzifZone Load(string id) =>
        id == "UTC" && !File.Exists(Path.Combine(ZoneCatalog.DirectoryPath, id))
            ? new TzifZone(id, [], [], 0)
            : Read(id, File.ReadAllBytes(Path.Combine(ZoneCatalog.DirectoryPath, id)));

    /// <summary>The UTC offset in seconds at <paramref name="unixSeconds"/>.</summary>
    public int OffsetAt(long unixSeconds)
    {
        var index = Array.BinarySearch(_changes, unixSeconds);
        if (index < 0)
            index = ~index - 1;
        return index < 0 ? _initial : _offsets[index];
    }

    /// <summary>The distinct offsets in effect at some instant of [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public IReadOnlyList<int> OffsetsBetween(long from, long to)
    {
        var offsets = new SortedSet<int> { OffsetAt(from) };
        var index = Array.BinarySearch(_changes, from);
        for (index = index < 0 ? ~index : index; index < _changes.Length && _changes[index] <= to; index++)
            offsets.Add(_offsets[index]);
        return [.. offsets];
    }

    /// <summary>Every change of the UTC offset with an instant in the given UTC years.</summary>
    public IEnumerable<ZoneTransition> Transitions(int fromYear, int toYear)
    {
        var from = new DateTimeOffset(fromYear, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var to = new DateTimeOffset(toYear + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < _changes.Length; i++)
        {
            var before = i == 0 ? _initial : _offsets[i - 1];
            if (_changes[i] >= from && _changes[i] < to)
            {
                yield return new ZoneTransition(Id, DateTimeOffset.FromUnixTimeSeconds(_changes[i]),
                    TimeSpan.FromSeconds(before), TimeSpan.FromSeconds(_offsets[i]));
            }
        }
    }

    private static TzifZone Read(string id, byte[] data)
    {
        var header = Header.At(data, 0);
        var version = data[4];
        var v1Length = header.DataLength(timeSize: 4);
        if (version == 0)
            return FromTable(id, header, data, 44, timeSize: 4, rule: null);

        // Version 2 and later repeat the data with 64-bit times, then the POSIX rule between newlines.
        var second = 44 + v1Length;
        var header2 = Header.At(data, second);
        var start = second + 44;
        var footer = start + header2.DataLength(timeSize: 8);
        var close = Array.IndexOf(data, (byte)'\n', footer + 1);
        var rule = PosixZoneRule.Parse(Encoding.ASCII.GetString(data, footer + 1, close - footer - 1));
        return FromTable(id, header2, data, start, timeSize: 8, rule);
    }

    private static TzifZone FromTable(string id, Header header, byte[] data, int start, int timeSize, PosixZoneRule? rule)
    {
        var times = new long[header.TimeCount];
        for (var i = 0; i < times.Length; i++)
        {
            var at = start + i * timeSize;
            times[i] = timeSize == 8 ? BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(at)) : BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(at));
        }
        var indices = start + header.TimeCount * timeSize;
        var types = indices + header.TimeCount;
        int TypeOffset(int type) => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(types + type * 6));

        var changes = new List<(long At, int Offset)>();
        for (var i = 0; i < times.Length; i++)
            changes.Add((times[i], TypeOffset(data[indices + i])));
        // Before the first transition the first time type applies (RFC 8536 3.2).
        var initial = TypeOffset(0);

        if (rule is not null)
        {
            var last = times.Length > 0 ? times[^1] : long.MinValue;
            var firstYear = times.Length > 0 ? DateTimeOffset.FromUnixTimeSeconds(last).Year - 1 : 1900;
            if (times.Length == 0)
                initial = rule.StandardOffset;
            for (var year = firstYear; year <= LastYear; year++)
                changes.AddRange(rule.ChangesIn(year).Where(c => c.At > last));
        }

        // Keep only real changes of the offset; of changes at the same instant the later one holds.
        var kept = new List<(long At, int Offset)>();
        var current = initial;
        foreach (var change in changes)
        {
            if (kept.Count > 0 && kept[^1].At == change.At)
            {
                kept.RemoveAt(kept.Count - 1);
                current = kept.Count > 0 ? kept[^1].Offset : initial;
            }
            if (change.Offset != current)
                kept.Add(change);
            current = change.Offset;
        }
        return new TzifZone(id, [.. kept.Select(c => c.At)], [.. kept.Select(c => c.Offset)], initial,
            times.Length > 0 ? times[^1] : long.MinValue, rule);
    }

    private readonly record struct Header(int UtcCount, int StdCount, int LeapCount, int TimeCount, int TypeCount, int CharCount)
    {
        public static Header At(byte[] data, int start)
        {
            if (!data.AsSpan(start, 4).SequenceEqual("TZif"u8))
                throw new InvalidDataException("not a TZif file");
            int Count(int k) => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(start + 20 + k * 4));
            return new Header(Count(0), Count(1), Count(2), Count(3), Count(4), Count(5));
        }

        public int DataLength(int timeSize) =>
            TimeCount * timeSize + TimeCount + TypeCount * 6 + CharCount + LeapCount * (timeSize + 4) + StdCount + UtcCount;
    }
}
