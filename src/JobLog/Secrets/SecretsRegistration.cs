using JobLog.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JobLog.Secrets;

public static class SecretsRegistration
{
    /// <summary>
    /// Registers secret handling: Data Protection named <c>JobLog</c> on every node, its key ring in PostgreSQL in the event
    /// store's schema (in memory beside the in-memory event store), its own key generation off (<see cref="SecretKeyRing"/>
    /// creates keys, one node at a time), and the <see cref="ISecretVault"/>. Needs the store's options (AddJobLogStore).
    /// Register it before the modules whose hosted services encrypt or decrypt, so the ring is usable before they start.
    /// </summary>
    public static IServiceCollection AddJobLogSecrets(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IKeyRingStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EventStoreOptions>>().Value;
            return options.UseInMemoryStore
                ? new InMemoryKeyRingStorage()
                : new PostgresKeyRingStorage(options.Postgres!, options.Schema);
        });
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = sp.GetRequiredService<IKeyRingStorage>();
            // Keys are the steward's to create (see SecretKeyRing), never a side effect of protecting.
            options.AutoGenerateKeys = false;
        }));
        services.AddSingleton<SecretKeyRing>();
        services.AddSingleton<ISecretVault, DataProtectionVault>();
        services.AddSingleton<KeyRingSteward>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRingSteward>());
        services.AddDataProtection().SetApplicationName("JobLog");
        return services;
    }
}
