using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using JobLog.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JobLog.Node;

/// <summary>
/// With <see cref="AppliedTraceOptions.TraceApplied"/> on, writes <c>joblog-applied {job} {version} {sequence} {timestamp}</c>
/// to standard output for every event this node's schedule applies, <c>timestamp</c> being
/// <see cref="Stopwatch.GetTimestamp"/> taken as the event was applied. On Linux that is the machine's monotonic clock,
/// the same in every process, so another process on the machine can set it against its own clock.
/// </summary>
public sealed class AppliedTrace : BackgroundService
{
    public const string Prefix = "joblog-applied";

    // A pipe write of at most PIPE_BUF (4096) bytes is never interleaved with another writer's (the console logger's).
    private const int MaxWriteBytes = 4_000;

    private readonly bool _enabled;
    private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    public AppliedTrace(ScheduleHolder holder, IOptions<AppliedTraceOptions> options)
    {
        _enabled = options.Value.TraceApplied;
        if (_enabled)
            holder.AppliedObserver = recorded => _entries.Writer.TryWrite(new Entry(recorded, Stopwatch.GetTimestamp()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
            return;
        await using var output = Console.OpenStandardOutput();
        var buffer = new MemoryStream(MaxWriteBytes + 256);
        try
        {
            while (await _entries.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_entries.Reader.TryRead(out var entry))
                {
                    var line = Encoding.UTF8.GetBytes(entry.ToLine());
                    if (buffer.Length + line.Length > MaxWriteBytes)
                        await FlushAsync(buffer, output, stoppingToken);
                    buffer.Write(line);
                }
                await FlushAsync(buffer, output, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task FlushAsync(MemoryStream buffer, Stream output, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
            return;
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        await output.FlushAsync(cancellationToken);
        buffer.SetLength(0);
    }

    private readonly record struct Entry(RecordedEvent Recorded, long Timestamp)
    {
        public string ToLine() => string.Create(
            CultureInfo.InvariantCulture, $"{Prefix} {Recorded.Job.Value} {Recorded.Version} {Recorded.Sequence} {Timestamp}\n");
    }
}
