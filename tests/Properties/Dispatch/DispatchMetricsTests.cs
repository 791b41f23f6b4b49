using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JobLog.Dispatch;
using JobLog.Telemetry;

namespace JobLog.Properties.Dispatch;

public sealed class DispatchMetricsTests
{
    [Fact]
    public async Task Every_outcome_a_leader_records_is_counted_once_under_its_job_outcome_and_kind()
    {
        var rig = new DispatchRig();
        // The meter is the process's: other tests' runs are told apart by their job ids.
        var job = $"metrics-{Guid.NewGuid():N}"[..24];
        await rig.AddAsync(job, "* * * * * *");
        using var counted = new RunCounter(job);

        var (first, firstInFlight) = rig.Term("node-a", 1);
        await first.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
            await rig.AdvanceAndTickAsync(first, firstInFlight, 1);
        // The first leader is lost; the next one finds thirty seconds nobody dispatched: one caught up, the rest misfired.
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        var (second, secondInFlight) = rig.Term("node-b", 2);
        await second.StartAsync(CancellationToken.None);
        await secondInFlight.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var recorded = rig.RunsOf(job)
            .Where(r => r.Outcome is not null)
            .GroupBy(r => (Outcome: RunNames.NameOf(r.Outcome!.Value), Kind: RunNames.NameOf(r.Kind)))
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Contains(("succeeded", "scheduled"), recorded.Keys);
        Assert.Contains(("succeeded", "catchUp"), recorded.Keys);
        Assert.Contains(("misfired", "scheduled"), recorded.Keys);
        Assert.Equal(recorded.OrderBy(r => r.Key).ToList(), counted.Counts.OrderBy(c => c.Key).ToList());
        // Lateness carries no job id; other tests only add to it. Every call made was measured.
        Assert.True(counted.Lateness >= recorded.Where(r => r.Key.Outcome == "succeeded").Sum(r => r.Value),
            $"{counted.Lateness} lateness measurements for {rig.Sender.Sent.Count} calls");
    }

    /// <summary>Adds up <c>joblog.dispatch.runs</c> for one job by (outcome, kind) as the measurements are made.</summary>
    private sealed class RunCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Outcome, string Kind), long> _counts = new();
        private long _lateness;

        public RunCounter(string job)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == JobLogTelemetry.Name
                    && instrument.Name is JobLogTelemetry.DispatchRunsName or JobLogTelemetry.DispatchLatenessName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _lateness));
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? ofJob = null, outcome = null, kind = null;
                foreach (var tag in tags)
                {
                    switch (tag.Key)
                    {
                        case JobLogTelemetry.JobIdAttribute: ofJob = tag.Value as string; break;
                        case JobLogTelemetry.RunOutcomeAttribute: outcome = tag.Value as string; break;
                        case JobLogTelemetry.RunKindAttribute: kind = tag.Value as string; break;
                    }
                }
                if (ofJob == job)
                    _counts.AddOrUpdate((outcome!, kind!), value, (_, sum) => sum + value);
            });
            _listener.Start();
        }

        public IReadOnlyDictionary<(string Outcome, string Kind), long> Counts => _counts;

        /// <summary>Lateness measurements of any job made while listening.</summary>
        public long Lateness => Interlocked.Read(ref _lateness);

        public void Dispose() => _listener.Dispose();
    }
}
