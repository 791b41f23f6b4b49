using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobLog.Commands;

public static class CommandRegistration
{
    /// <summary>
    /// Registers the command path, and the repair that seals secrets stored in clear (<see cref="ClearSecretSealer"/>);
    /// needs the store (AddJobLogStore), the secrets (AddJobLogSecrets) and the node (AddJobLogNode).
    /// </summary>
    public static IServiceCollection AddJobLogCommands(this IServiceCollection services)
    {
        services.TryAddSingleton<IChangeMirror>(NoMirror.Instance);
        services.AddHostedService<ClearSecretSealer>();
        return services.AddSingleton<JobCommandService>();
    }
}
