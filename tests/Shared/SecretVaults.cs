using JobLog.Secrets;
using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobLog.Testing;

/// <summary>Real vaults (Data Protection, the key ring steward) on an in-memory key ring, for tests without PostgreSQL.</summary>
public static class SecretVaults
{
    private static readonly Lazy<ISecretVault> SharedVault = new(Ephemeral);

    /// <summary>One vault for a whole test run: nodes of a simulated cluster share it, as real nodes share the ring in PostgreSQL.</summary>
    public static ISecretVault Shared => SharedVault.Value;

    /// <summary>A vault of its own key ring: it cannot open what another ring sealed.</summary>
    public static ISecretVault Ephemeral()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Options.Create(new EventStoreOptions { UseInMemoryStore = true }));
        services.AddJobLogSecrets();
        return services.BuildServiceProvider().GetRequiredService<ISecretVault>();
    }
}
