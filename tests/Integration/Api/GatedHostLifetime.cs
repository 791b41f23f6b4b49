using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JobLog.Integration.Api;

/// <summary>
/// The host's own lifetime, whose start waits for a gate first. The host awaits its lifetime before it does anything
/// else of its start (resolving hosted services, validating options), so until the gate opens the host can neither
/// start nor fail to start, and its services stay undisposed.
/// </summary>
internal sealed class GatedHostLifetime(IHostLifetime inner, Task gate) : IHostLifetime
{
    /// <summary>Wraps the lifetime the host has registered so far in one that waits for <paramref name="gate"/>.</summary>
    public static void Wrap(IServiceCollection services, Task gate)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IHostLifetime));
        services.AddSingleton<IHostLifetime>(provider => new GatedHostLifetime(Create(provider, registered), gate));
    }

    public async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        await inner.WaitForStartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    private static IHostLifetime Create(IServiceProvider provider, ServiceDescriptor registered) => (IHostLifetime)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
}
