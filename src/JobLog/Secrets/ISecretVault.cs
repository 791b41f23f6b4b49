using System.Diagnostics.CodeAnalysis;

namespace JobLog.Secrets;

/// <summary>Encrypts secret header values into their stored form (<see cref="Model.SecretValue"/>) and back.</summary>
public interface ISecretVault
{
    /// <summary>The stored form of <paramref name="clear"/>: fingerprint and ciphertext.</summary>
    ValueTask<string> SealAsync(string clear, CancellationToken cancellationToken);

    /// <summary>The clear value of a stored form; false when it is not one or this cluster's key ring cannot decrypt it.</summary>
    bool TryOpen(string sealedValue, [NotNullWhen(true)] out string? clear);
}
