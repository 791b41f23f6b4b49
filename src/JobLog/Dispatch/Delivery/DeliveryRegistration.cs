using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JobLog.Dispatch.Delivery;

public static class DeliveryRegistration
{
    /// <summary>
    /// Registers the webhook sender as the one <see cref="IWebhookSender"/>, with its settings (section
    /// <c>JobLog:Dispatch</c>, checked at start: a range that does not parse stops the node, naming its key) and the
    /// target policy built from them.
    /// </summary>
    public static IServiceCollection AddJobLogDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => TargetPolicy.From(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Targets));
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<IWebhookSender>(sp => sp.GetRequiredService<WebhookSender>());
        return services;
    }
}
