using System.Globalization;

namespace JobLog.QuartzPeer;

/// <summary>What the bench passes on the command line: <c>run</c> or <c>load</c>, then <c>--name value</c> pairs.</summary>
/// <param name="ConnectionString">PostgreSQL, with <c>Search Path</c> set to the bench run's fresh schema.</param>
/// <param name="InstanceId">This scheduler's id in the cluster; unique per process.</param>
/// <param name="Receiver">The bench's webhook receiver (run).</param>
/// <param name="Threads">Jobs that may run at once (run).</param>
/// <param name="BatchSize">Triggers acquired per round trip (run).</param>
/// <param name="Jobs">How many jobs to store (load).</param>
/// <param name="Kind"><c>minute</c> or <c>second</c> (load).</param>
public sealed record PeerSettings(
    string Mode,
    string ConnectionString,
    string InstanceId,
    Uri? Receiver,
    int Threads,
    int BatchSize,
    int Jobs,
    string Kind)
{
    public const string InstanceName = "joblog-bench";

    public static PeerSettings Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("run" or "load"))
            throw new ArgumentException("usage: QuartzPeer run|load --connection CS --instance ID [--receiver URL --threads N --batch N] [--jobs N --kind minute|second]");
        return new PeerSettings(
            args[0],
            Read("--connection") ?? throw new ArgumentException("--connection is required"),
            Read("--instance") ?? throw new ArgumentException("--instance is required"),
            Read("--receiver") is { } url ? new Uri(url) : null,
            ReadInt("--threads", 64),
            ReadInt("--batch", 64),
            ReadInt("--jobs", 0),
            Read("--kind") ?? "second");

        string? Read(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 1 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int ReadInt(string name, int fallback) =>
            Read(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
    }
}
