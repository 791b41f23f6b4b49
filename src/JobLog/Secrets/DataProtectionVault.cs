using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using JobLog.Model;
using Microsoft.AspNetCore.DataProtection;

namespace JobLog.Secrets;

/// <summary>
/// The vault on ASP.NET Core Data Protection (authenticated encryption with the cluster's key ring). The fingerprint is
/// the first 8 bytes of HMAC-SHA256 of the value under the fingerprint key: the same value shows the same fingerprint
/// (a user sees whether a value changed), and without the key, which is never in an event or a znode, nobody holding only
/// the events can test guesses of a low-entropy secret against it.
/// </summary>
public sealed class DataProtectionVault(IDataProtectionProvider protection, SecretKeyRing ring) : ISecretVault
{
    public const string Purpose = "JobLog.TargetHeaders.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public async ValueTask<string> SealAsync(string clear, CancellationToken cancellationToken)
    {
        var key = await ring.FingerprintKeyAsync(cancellationToken);
        var fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(clear)), 0, 8);
        return SecretValue.Format(fingerprint, _protector.Protect(clear));
    }

    public bool TryOpen(string sealedValue, [NotNullWhen(true)] out string? clear)
    {
        clear = null;
        if (!SecretValue.TryParse(sealedValue, out _, out var ciphertext))
            return false;
        try
        {
            clear = _protector.Unprotect(ciphertext);
            return true;
        }
        catch (CryptographicException)
        {
            // A key this ring does not have (another cluster's, a deleted one) or a tampered value.
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
