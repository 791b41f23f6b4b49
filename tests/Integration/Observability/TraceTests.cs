using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using JobLog.Integration.Api;
using JobLog.Telemetry;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Observability;

/// <summary>The spans a change makes, as a tracing backend would receive them, joined to the caller's trace.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_change_is_one_trace_from_the_request_through_the_command_to_the_store_append_and_the_mirror()
    {
        // Activities of every test in the process pass this listener: the test keeps those of its own trace.
        var traceId = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobLogTelemetry.Name or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                    stopped.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = new ApiHost(connectionString: null)
        {
            Settings = new Dictionary<string, string?> { ["JobLog:UseInMemoryStore"] = "true" },
        };
        var client = await host.ReadyClientAsync();
        var id = NewId();
        var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new StringContent(Serialize(NewJob(id)), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        await Expect(await client.SendAsync(request), HttpStatusCode.Created);

        Activity? server = null, command = null, append = null, mirror = null;
        await JobLog.Testing.Wait.Eventually(() =>
        {
            server = stopped.FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore");
            command = stopped.FirstOrDefault(a => a.OperationName == "joblog.command AddJob");
            append = stopped.FirstOrDefault(a => a.OperationName == "joblog.store.append");
            mirror = stopped.FirstOrDefault(a => a.OperationName == "joblog.mirror");
            return server is not null && command is not null && append is not null && mirror is not null;
        }, TimeSpan.FromSeconds(30), () => $"request, command, append and mirror spans of trace {traceId}; have [{string.Join(", ", stopped.Select(a => a.OperationName))}]");

        Assert.Equal(server!.SpanId, command!.ParentSpanId);
        Assert.Equal(command.SpanId, append!.ParentSpanId);
        Assert.Equal(command.SpanId, mirror!.ParentSpanId);
        Assert.Equal(id, command.GetTagItem(JobLogTelemetry.JobIdAttribute));
        Assert.Equal("JobAdded", command.GetTagItem(JobLogTelemetry.EventTypeAttribute));
        Assert.Equal(1L, command.GetTagItem("joblog.job.version"));
        Assert.Equal("committed", append.GetTagItem(JobLogTelemetry.AppendOutcomeAttribute));
    }
}
