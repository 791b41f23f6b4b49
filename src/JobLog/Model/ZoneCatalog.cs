using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace JobLog.Model;

/// <summary>
/// The time zones of this machine's IANA zone database, read once from the database's own files: which ids exist,
/// and how each is spelled. A zone id is known when it names a zone file case-insensitively, and it is then
/// always spelled and resolved as the file is named.
/// </summary>
/// <remarks>
/// .NET's own lookup cannot answer this: its zone cache is process-wide and case-insensitive while the zone
/// directory is case-sensitive, so whether <c>america/sao_paulo</c> resolves depends on whether the process
/// already looked up <c>America/Sao_Paulo</c>. The catalog depends only on the zone database, so every node
/// with the same database gives every id the same answer, whatever it looked up before.
/// </remarks>
public static class ZoneCatalog
{
    // What .NET itself reads (TimeZoneInfo.Unix: $TZDIR, else /usr/share/zoneinfo), so catalog and lookup agree.
    private const string DirectoryVariable = "TZDIR";
    private const string DefaultDirectory = "/usr/share/zoneinfo";

    // .NET answers "UTC" from memory without reading a file (TimeZoneInfo.Utc), and it is the default zone of
    // every job, so it is known even where the zone database lacks the link.
    private const string Utc = "UTC";

    private static readonly byte[] TzifMagic = "TZif"u8.ToArray();

    // Files of the zone directory that are TZif data but not zones a job may name: Factory is the "-00"
    // placeholder, posixrules a template for POSIX TZ strings, localtime this machine's setting, and posix/ and
    // right/ whole copies of the database (the second one counting leap seconds, which .NET does not do).
    private static readonly FrozenSet<string> PseudoZones =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "Factory", "posixrules", "localtime");

    private static readonly FrozenSet<string> PseudoDirectories =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "posix", "right");

    private static readonly Lazy<FrozenDictionary<string, string>> Canonical = new(Load);

    // Keyed by canonical id only, and holding what the zone file says: the same for every process.
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Resolved = new(StringComparer.Ordinal);

    /// <summary>The directory the catalog and .NET read zones from.</summary>
    public static string DirectoryPath { get; } =
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured ? configured : DefaultDirectory;

    /// <summary>Every known zone id, in its canonical spelling.</summary>
    public static IReadOnlyCollection<string> Ids => Canonical.Value.Values;

    /// <summary>The database's spelling of <paramref name="id"/>, when it names a zone case-insensitively.</summary>
    public static bool TryCanonicalize(string? id, [NotNullWhen(true)] out string? canonical)
    {
        canonical = null;
        return id is not null && Canonical.Value.TryGetValue(id, out canonical);
    }

    /// <summary>The zone <paramref name="id"/> names case-insensitively, resolved by its canonical id.</summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (!TryCanonicalize(id, out var canonical))
            return false;
        zone = Resolved.GetOrAdd(canonical, Resolve);
        return zone is not null;
    }

    private static TimeZoneInfo? Resolve(string canonical)
    {
        try
        {
            // Asked only with the exact file name, .NET's case-insensitive cache can only return this same zone.
            return TimeZoneInfo.FindSystemTimeZoneById(canonical);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or IOException
                                      or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return null;
        }
    }

    private static FrozenDictionary<string, string> Load()
    {
        var ids = new List<string>();
        var root = new DirectoryInfo(DirectoryPath);
        if (root.Exists)
            Collect(root, "", ids);
        if (!ids.Contains(Utc, StringComparer.OrdinalIgnoreCase))
            ids.Add(Utc);

        // Two files differing only in case would make the lookup ambiguous (and .NET's cache would mix them up):
        // neither is known. The IANA database has no such pair; this only guards a hand-made directory.
        return ids
            .GroupBy(id => id, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() == 1)
            .ToFrozenDictionary(group => group.Key, group => group.Single(), StringComparer.OrdinalIgnoreCase);
    }

    private static void Collect(DirectoryInfo directory, string prefix, List<string> ids)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = directory.EnumerateFileSystemInfos().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return;
        }

        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var id = prefix + entry.Name;
            if (!IsIdText(entry.Name))
                continue;
            if (entry is DirectoryInfo child)
            {
                // A linked directory is a copy of part of the tree (posix/Africa -> ../Africa), never new zones.
                if (child.LinkTarget is null && !(prefix.Length == 0 && PseudoDirectories.Contains(child.Name)))
                    Collect(child, id + "/", ids);
            }
            else if (!(prefix.Length == 0 && PseudoZones.Contains(entry.Name)) && IsTzif(entry.FullName))
            {
                ids.Add(id);
            }
        }
    }

    // Zone names use ASCII letters, digits and . - + _ (tz-link.html, "Names of timezones"); anything else in the
    // directory is not a zone, and a leading dot is a hidden file or . and ..
    private static bool IsIdText(string name) =>
        name.Length > 0 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '_' or '.');

    private static bool IsTzif(string path)
    {
        try
        {
            // Opening follows a file link (US/Eastern -> ../America/New_York), so links count as the zones they are.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            Span<byte> head = stackalloc byte[4];
            return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(TzifMagic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return false;
        }
    }
}
