using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace JobLog.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers Marten on <paramref name="connectionString"/> and the Marten-backed <see cref="IJobEventStore"/>.</summary>
    public static IServiceCollection AddJobLogStore(this IServiceCollection services, string connectionString, string schema)
    {
        services.AddMarten(options => JobLogMarten.Configure(options, connectionString, schema)).UseLightweightSessions();
        services.AddSingleton<IJobEventStore, MartenJobEventStore>();
        return services;
    }
}
