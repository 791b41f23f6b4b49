using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Logging;

namespace JobLog.Secrets;

/// <summary>
/// Keeps the cluster's key ring usable. Data Protection's own key generation is off on every node: left on, nodes that
/// start together on an empty ring each create a key (the race its documentation describes) and protect with a key the
/// others have not read. Instead, under the storage's cluster-wide lock, this creates the first key (active at once,
/// before any node protects anything) and later each successor, activated <see cref="Propagation"/> after its creation,
/// so every node has re-read the ring (Data Protection does every 24 hours) before anything is protected with it. It
/// also holds the fingerprint key: 32 random bytes, stored once (protected) beside the ring, the same on every node.
/// </summary>
public sealed partial class SecretKeyRing(
    IKeyRingStorage storage,
    IKeyManager keys,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<SecretKeyRing> logger)
{
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    public static readonly TimeSpan Propagation = TimeSpan.FromDays(2);

    /// <summary>A successor is created once the newest key expires within this; it is active well before that.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(14);

    private const string FingerprintKeyPurpose = "JobLog.SecretFingerprintKey.v1";

    private readonly IDataProtector _fingerprintKeyProtector = protection.CreateProtector(FingerprintKeyPurpose);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile byte[]? _fingerprintKey;

    /// <summary>The key of the fingerprints; the first call makes the ring usable (see <see cref="EnsureAsync"/>).</summary>
    public async ValueTask<byte[]> FingerprintKeyAsync(CancellationToken cancellationToken)
    {
        if (_fingerprintKey is { } key)
            return key;
        await EnsureAsync(cancellationToken);
        return _fingerprintKey!;
    }

    /// <summary>Under the cluster-wide lock: a usable key (a successor when the newest nears its end) and the fingerprint key.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await storage.WithLockAsync(async ct =>
            {
                EnsureKey();
                var candidate = _fingerprintKeyProtector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                return await storage.GetOrAddFingerprintKeyAsync(candidate, ct);
            }, cancellationToken);
            _fingerprintKey ??= Convert.FromBase64String(_fingerprintKeyProtector.Unprotect(stored));
        }
        finally
        {
            _gate.Release();
        }
    }

    private void EnsureKey()
    {
        var now = clock.GetUtcNow();
        var usable = keys.GetAllKeys().Where(k => !k.IsRevoked && k.ExpirationDate > now).ToList();
        if (usable.Count == 0)
        {
            var key = keys.CreateNewKey(now, now + KeyLifetime);
            LogKeyCreated(logger, key.KeyId, key.ActivationDate, key.ExpirationDate);
            return;
        }
        var newest = usable.Max(k => k.ExpirationDate);
        if (newest - now >= RenewBefore)
            return;
        var activation = now + Propagation;
        var successor = keys.CreateNewKey(activation, activation + KeyLifetime);
        LogKeyCreated(logger, successor.KeyId, successor.ActivationDate, successor.ExpirationDate);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret key ring: key {KeyId} created, active from {ActivationDate} until {ExpirationDate}")]
    private static partial void LogKeyCreated(ILogger logger, Guid keyId, DateTimeOffset activationDate, DateTimeOffset expirationDate);
}
