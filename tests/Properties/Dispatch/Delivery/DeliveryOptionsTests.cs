using JobLog.Dispatch;
using JobLog.Dispatch.Delivery;
using JobLog.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobLog.Properties.Dispatch.Delivery;

public sealed class DeliveryOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(SecretVaults.Shared)
            .AddJobLogDelivery()
            .BuildServiceProvider();
    }

    [Fact]
    public void A_bad_range_fails_start_up_naming_its_setting()
    {
        using var services = Services(new()
        {
            ["JobLog:Dispatch:Targets:Allow:0"] = "127.0.0.0/8",
            ["JobLog:Dispatch:Targets:Allow:1"] = "::1/129",
            ["JobLog:Dispatch:Targets:Deny:0"] = "10.0.0.1/8",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IWebhookSender>());

        Assert.Contains("JobLog:Dispatch:Targets:Allow:1: '::1/129' has prefix length '129'; an IPv6 range takes 0 to 128.", failure.Failures);
        Assert.Contains("JobLog:Dispatch:Targets:Deny:0: '10.0.0.1/8' has bits set after its /8 prefix; the range is written 10.0.0.0/8.", failure.Failures);
        Assert.Equal(2, failure.Failures.Count());
    }

    [Fact]
    public void Bad_breaker_and_concurrency_settings_fail_start_up_naming_them()
    {
        using var services = Services(new()
        {
            ["JobLog:Dispatch:MaxConcurrentCalls"] = "0",
            ["JobLog:Dispatch:Breaker:FailureRatio"] = "1.5",
            ["JobLog:Dispatch:Breaker:MinimumThroughput"] = "1",
            ["JobLog:Dispatch:Breaker:BreakDuration"] = "00:00:00.100",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DeliveryOptions>>().Value);

        Assert.Equal(
            ["JobLog:Dispatch:MaxConcurrentCalls", "JobLog:Dispatch:Breaker:FailureRatio", "JobLog:Dispatch:Breaker:MinimumThroughput", "JobLog:Dispatch:Breaker:BreakDuration"],
            failure.Failures.Select(f => f[..f.IndexOf(' ')]));
    }

    [Fact]
    public void Configured_ranges_reach_the_target_policy_beside_the_defaults()
    {
        using var services = Services(new()
        {
            ["JobLog:Dispatch:Targets:Allow:0"] = "127.0.0.0/8",
            ["JobLog:Dispatch:Targets:Deny:0"] = "10.0.0.0/8",
        });

        var policy = services.GetRequiredService<TargetPolicy>();

        Assert.Null(policy.Check(System.Net.IPAddress.Loopback));
        Assert.NotNull(policy.Check(System.Net.IPAddress.Parse("10.1.2.3")));
        Assert.NotNull(policy.Check(System.Net.IPAddress.Parse("169.254.169.254")));
    }
}
