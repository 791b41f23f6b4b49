using JobLog.Dispatch;
using JobLog.Integration.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;

namespace JobLog.Integration.Auth;

/// <summary>
/// A node on the in-memory stores that accepts the test API keys and the tokens of a <see cref="TokenIssuer"/> (role in
/// <see cref="TokenIssuer.RoleClaim"/>), its targets called through a <see cref="HoldingSender"/>.
/// </summary>
public sealed class AuthApiFixture : IAsyncLifetime
{
    public HoldingSender Sender { get; } = new();

    public TokenIssuer Issuer { get; private set; } = null!;

    public ApiHost Host { get; private set; } = null!;

    /// <summary>Sends the admin test key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Sends nothing unless a request carries its own Authorization header.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TokenIssuer.StartAsync();
        Host = new ApiHost(
            connectionString: null,
            services: services => services.Replace(ServiceDescriptor.Singleton<IWebhookSender>(Sender)))
        {
            Settings = new Dictionary<string, string?>
            {
                ["JobLog:UseInMemoryStore"] = "true",
                ["JobLog:Auth:Jwt:Authority"] = Issuer.Authority,
                ["JobLog:Auth:Jwt:Audience"] = TokenIssuer.Audience,
                ["JobLog:Auth:Jwt:RoleClaim"] = TokenIssuer.RoleClaim,
                ["JobLog:Auth:Jwt:RequireHttpsMetadata"] = "false",
            },
        };
        Admin = await Host.ReadyClientAsync();
        Anonymous = Host.CreateAnonymousClient();
    }

    public async Task DisposeAsync()
    {
        Sender.Release();
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
