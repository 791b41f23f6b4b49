using JobLog.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;

namespace JobLog.Integration.Api;

/// <summary>One node alone (so it leads with epoch 0) on the in-memory stores, calling targets through a <see cref="HoldingSender"/>.</summary>
public sealed class RunsApiFixture : IAsyncLifetime
{
    public HoldingSender Sender { get; } = new();

    public ApiHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = new ApiHost(
            connectionString: null,
            services: services => services.Replace(ServiceDescriptor.Singleton<IWebhookSender>(Sender)))
        {
            Settings = new Dictionary<string, string?> { ["JobLog:UseInMemoryStore"] = "true" },
        };
        Client = await Host.ReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        Sender.Release();
        await Host.DisposeAsync();
    }
}
