using System.Net;
using JobLog.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// A failure's exception goes to the log and never to the client: with a store whose exceptions carry SQL and a
/// password, no answer of any endpoint shows any of it, only a fixed detail and the trace id.
/// </summary>
public sealed class FailureDisclosureTests
{
    private const string Secret = "select secret from joblog.mt_events where password = 'hunter2'";

    private static readonly string[] Leaks = ["secret", "select", "hunter2", "mt_events", "Exception", "   at "];

    public static TheoryData<string, string, string?, string?> Requests => new()
    {
        { "POST", "/jobs", """{"id":"a-job","name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", null },
        { "GET", "/jobs/a-job", null, null },
        { "GET", "/jobs/a-job?version=1", null, null },
        { "GET", "/jobs/a-job/history", null, null },
        { "PUT", "/jobs/a-job", """{"name":"n","cron":"0 3 * * *","target":{"url":"https://e.test"}}""", "\"1\"" },
        { "POST", "/jobs/a-job/pause", null, "\"1\"" },
        { "DELETE", "/jobs/a-job", null, "\"1\"" },
        { "GET", "/events", null, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task An_unexpected_store_exception_is_a_500_problem_with_a_fixed_detail_and_the_exception_only_in_the_log(
        string method, string path, string? body, string? ifMatch)
    {
        var logs = new CapturedLogs();
        await using var host = HostWithStore(() => new InvalidOperationException(Secret), logs);
        var client = host.CreateClient();

        var response = await client.Send(new HttpMethod(method), path, body, ifMatch);

        var problem = await ExpectNothingDisclosed(response, HttpStatusCode.InternalServerError);
        Assert.Equal("https://joblog.dev/problems/internal", (string?)problem["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["traceId"]));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == Secret
                                           && e.Message.Contains((string)problem["traceId"]!, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task An_unreachable_store_is_a_503_problem_that_does_not_repeat_the_exception(
        string method, string path, string? body, string? ifMatch)
    {
        await using var host = HostWithStore(() => new TimeoutException(Secret), new CapturedLogs());
        var client = host.CreateClient();

        var response = await client.Send(new HttpMethod(method), path, body, ifMatch);

        var problem = await ExpectNothingDisclosed(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("https://joblog.dev/problems/store-unavailable", (string?)problem["type"]);
    }

    [Theory]
    [InlineData("unexpected")]
    [InlineData("unreachable")]
    public async Task Readiness_does_not_repeat_a_store_exception(string failure)
    {
        await using var host = HostWithStore(
            failure == "unexpected" ? () => new InvalidOperationException(Secret) : () => new TimeoutException(Secret),
            new CapturedLogs());
        var client = host.CreateClient();

        var response = await client.GetAsync("/readyz");

        await ExpectNothingDisclosed(response, failure == "unexpected" ? HttpStatusCode.InternalServerError : HttpStatusCode.ServiceUnavailable);
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> ExpectNothingDisclosed(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        var problem = await ExpectProblem(response, status);
        foreach (var leak in Leaks)
            Assert.False(text.Contains(leak, StringComparison.OrdinalIgnoreCase), $"The answer shows '{leak}': {text}");
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), text);
        return problem;
    }

    private static ApiHost HostWithStore(Func<Exception> failure, CapturedLogs logs) =>
        new(connectionString: null, services: services =>
        {
            services.Replace(ServiceDescriptor.KeyedSingleton<IJobEventStore>(StoreRegistration.BackingStoreKey, new FailingStore(failure)));
            services.AddSingleton<ILoggerProvider>(logs);
        })
        {
            Settings = new Dictionary<string, string?> { ["JobLog:UseInMemoryStore"] = "true" },
        };
}
