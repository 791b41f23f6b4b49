using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace JobLog.Api.Auth;

/// <summary>
/// The API keys configured under <c>JobLog:Auth:ApiKeys:&lt;name&gt;</c> (<c>Role</c>, <c>Hash</c>), read again whenever
/// the configuration reloads (a key file the <c>joblog</c> script writes is watched), so a new key works without a
/// restart. Invalid settings refuse the node's start; an invalid reload is logged and the keys in force stay.
/// </summary>
public sealed partial class ApiKeyRing : IDisposable
{
    public const string Section = "JobLog:Auth:ApiKeys";

    private readonly IConfiguration _configuration;
    private readonly ILogger<ApiKeyRing> _logger;
    private readonly IDisposable _reloads;
    private volatile IReadOnlyList<ApiKey> _keys;

    public ApiKeyRing(IConfiguration configuration, ILogger<ApiKeyRing> logger)
    {
        _configuration = configuration;
        _logger = logger;
        var (keys, errors) = Read(configuration.GetSection(Section));
        if (errors.Count > 0)
            throw new InvalidOperationException($"The API keys in {Section} are invalid: {string.Join(" ", errors)}");
        _keys = keys;
        _reloads = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public int Count => _keys.Count;

    /// <summary>The key whose hash the presented key has, or null. Every configured hash is compared, match or not.</summary>
    public ApiKey? Find(string presented)
    {
        var hash = ApiKeyHash.Of(presented);
        ApiKey? found = null;
        foreach (var key in _keys)
        {
            if (ApiKeyHash.Matches(hash, key.Hash))
                found = key;
        }
        return found;
    }

    public void Dispose() => _reloads.Dispose();

    /// <summary>The keys of the section and every problem with it, each naming the key and the setting at fault.</summary>
    public static (IReadOnlyList<ApiKey> Keys, IReadOnlyList<string> Errors) Read(IConfigurationSection section)
    {
        var keys = new List<ApiKey>();
        var errors = new List<string>();
        foreach (var entry in section.GetChildren())
        {
            var name = entry.Key;
            var role = entry["Role"];
            var hash = ApiKeyHash.Parse(entry["Hash"]);
            var before = errors.Count;
            if (!KeyName().IsMatch(name))
                errors.Add($"'{name}': a key name is 1-64 of letters, digits, '.', '_', '-', beginning with a letter or digit.");
            else if (ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                errors.Add($"'{name}': the name is the audit trail's own ({string.Join(", ", ReservedNames)}); a key named so could act as the node itself.");
            if (!Roles.IsKnown(role))
                errors.Add($"'{name}': Role must be {string.Join(", ", Roles.All)}.");
            if (hash is null)
                errors.Add($"'{name}': Hash must be '{ApiKeyHash.Prefix}' and the 64 hex digits of the key's SHA-256 (never the key itself).");
            else if (keys.FirstOrDefault(k => k.Hash.AsSpan().SequenceEqual(hash)) is { } twin)
                errors.Add($"'{name}': its Hash is also '{twin.Name}''s; one key cannot be two identities.");
            if (errors.Count == before)
                keys.Add(new ApiKey(name, role!, hash!));
        }
        return (keys, errors);
    }

    private void Reload()
    {
        var (keys, errors) = Read(_configuration.GetSection(Section));
        if (errors.Count > 0)
        {
            LogReloadRefused(_logger, string.Join(" ", errors), _keys.Count);
            return;
        }
        _keys = keys;
        LogReloaded(_logger, keys.Count);
    }

    /// <summary>Actors the nodes record themselves: the repair of secrets stored in clear, and callers with authentication off.</summary>
    public static IReadOnlyList<string> ReservedNames { get; } = [Model.SealSecrets.Actor, Model.Provenance.AnonymousActor];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex KeyName();

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys reloaded: {KeyCount} configured")]
    private static partial void LogReloaded(ILogger logger, int keyCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "API keys not reloaded, the {KeyCount} keys in force stay: {Problems}")]
    private static partial void LogReloadRefused(ILogger logger, string problems, int keyCount);
}
