using System.Net;
using System.Net.Http.Json;
using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

public sealed class StartupTests
{
    [Fact]
    public async Task A_node_without_a_postgres_connection_string_refuses_to_start_and_says_what_to_set()
    {
        await using var host = new ApiHost(connectionString: null);

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var validation = Causes(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"No options validation failure in: {failure}");
        Assert.Contains("JOBLOG_POSTGRES", validation.Message);
    }

    [Fact]
    public async Task A_test_that_asks_for_the_in_memory_store_can_swap_in_its_own_instance()
    {
        var store = new InMemoryJobEventStore(TimeProvider.System);
        await using var host = new ApiHost(
            connectionString: null,
            services: services => services.Replace(ServiceDescriptor.KeyedSingleton<IJobEventStore>(StoreRegistration.BackingStoreKey, store)))
        {
            Settings = new Dictionary<string, string?> { ["JobLog:UseInMemoryStore"] = "true" },
        };
        var client = host.CreateClient();

        await Expect(await client.PostAsJsonAsync("/jobs", NewJob("swapped")), HttpStatusCode.Created);

        Assert.Single(await store.ReadStreamAsync(JobLog.Model.JobId.Parse("swapped"), CancellationToken.None));
    }

    private static IEnumerable<Exception> Causes(Exception failure) =>
        failure is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(Causes).Prepend(failure)
            : failure.InnerException is { } inner ? Causes(inner).Prepend(failure) : [failure];
}
