using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobLog.Commands;

public static class CommandRegistration
{
    /// <summary>Registers the command path; needs the store (AddJobLogStore) and the node (AddJobLogNode).</summary>
    public static IServiceCollection AddJobLogCommands(this IServiceCollection services)
    {
        services.TryAddSingleton<IChangeMirror>(NoMirror.Instance);
        return services.AddSingleton<JobCommandService>();
    }
}
