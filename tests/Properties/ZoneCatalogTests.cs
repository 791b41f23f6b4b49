namespace JobLog.Properties;

public sealed class ZoneCatalogTests
{
    [Theory]
    [InlineData("america/sao_paulo", "America/Sao_Paulo")]
    [InlineData("AMERICA/SAO_PAULO", "America/Sao_Paulo")]
    [InlineData("Europe/berlin", "Europe/Berlin")]
    [InlineData("utc", "UTC")]
    [InlineData("UTC", "UTC")]
    [InlineData("etc/utc", "Etc/UTC")]
    [InlineData("etc/gmt+5", "Etc/GMT+5")]
    [InlineData("america/argentina/buenos_aires", "America/Argentina/Buenos_Aires")]
    public void A_zone_id_in_any_case_is_spelled_as_the_zone_database_spells_it(string given, string canonical)
    {
        Assert.True(ZoneCatalog.TryCanonicalize(given, out var spelled));
        Assert.Equal(canonical, spelled);
    }

    [Theory]
    [InlineData("US/Eastern")]
    [InlineData("Etc/UTC")]
    [InlineData("GB")]
    public void A_link_keeps_its_own_spelling_instead_of_its_target(string link)
    {
        if (!File.Exists(Path.Combine(ZoneCatalog.DirectoryPath, link)))
            return; // a zone database built without the backward links has no such id at all

        Assert.True(ZoneCatalog.TryCanonicalize(link.ToLowerInvariant(), out var spelled));
        Assert.Equal(link, spelled);
    }

    [Theory]
    [InlineData("Factory")]
    [InlineData("factory")]
    [InlineData("posixrules")]
    [InlineData("localtime")]
    [InlineData("posix/Europe/Berlin")]
    [InlineData("right/UTC")]
    [InlineData("right/Europe/Berlin")]
    [InlineData("zone.tab")]
    [InlineData("zone1970.tab")]
    [InlineData("tzdata.zi")]
    [InlineData("leapseconds")]
    [InlineData("leap-seconds.list")]
    [InlineData("iso3166.tab")]
    [InlineData("Europe//Berlin")]
    [InlineData("./Europe/Berlin")]
    [InlineData("Europe/Berlin/")]
    [InlineData("/usr/share/zoneinfo/Europe/Berlin")]
    [InlineData("Europe")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Eastern Standard Time")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(" UTC")]
    [InlineData("UTC\0")]
    public void A_pseudo_zone_a_file_that_is_no_zone_a_path_trick_or_a_Windows_id_is_unknown(string id)
    {
        Assert.False(ZoneCatalog.TryCanonicalize(id, out _));
        Assert.False(ZoneCatalog.TryFind(id, out _));
    }

    [Fact]
    public void Every_known_zone_is_a_TZif_file_that_dotnet_resolves_under_its_own_id()
    {
        Assert.NotEmpty(ZoneCatalog.Ids);
        var failures = new List<string>();
        foreach (var id in ZoneCatalog.Ids)
        {
            var path = Path.Combine(ZoneCatalog.DirectoryPath, id);
            if (id != "UTC" && !File.ReadAllBytes(path).AsSpan().StartsWith("TZif"u8))
                failures.Add($"{id} is not a TZif file");
            if (!ZoneCatalog.TryFind(id, out var zone) || !zone.HasIanaId)
                failures.Add($"{id} does not resolve to an IANA zone");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    [Fact]
    public void Every_zone_of_the_zone_table_is_known()
    {
        var table = Path.Combine(ZoneCatalog.DirectoryPath, "zone1970.tab");
        if (!File.Exists(table))
            return;
        var zones = File.ReadLines(table)
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('\t')[2])
            .ToList();

        Assert.NotEmpty(zones);
        Assert.All(zones, zone => Assert.True(ZoneCatalog.TryCanonicalize(zone, out var spelled) && spelled == zone, zone));
    }

    [Fact]
    public void No_known_zone_lies_under_posix_or_right_and_none_is_a_pseudo_zone()
    {
        Assert.DoesNotContain(ZoneCatalog.Ids, id =>
            id.StartsWith("posix/", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("right/", StringComparison.OrdinalIgnoreCase)
            || id is "Factory" or "posixrules" or "localtime");
    }

    [Fact]
    public void A_case_variant_resolves_to_the_same_zone_as_the_canonical_id()
    {
        Assert.True(ZoneCatalog.TryFind("asia/kolkata", out var lower));
        Assert.True(ZoneCatalog.TryFind("Asia/Kolkata", out var canonical));
        var at = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(canonical.GetUtcOffset(at), lower.GetUtcOffset(at));
        Assert.Equal(TimeSpan.FromHours(5.5), lower.GetUtcOffset(at));
    }
}
