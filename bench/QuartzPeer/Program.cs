using JobLog.QuartzPeer;
using Quartz;

// run:  a clustered scheduler that fires until the bench closes our standard input (or kills us).
// load: stores the bench's jobs through a scheduler that is never started, then exits.
var settings = PeerSettings.Parse(args);
if (settings.Mode == "load")
{
    await using var loader = PeerScheduler.Build(settings, receiver: null);
    var scheduler = await loader.GetScheduler();
    const int perBatch = 1_000;
    for (var first = 0; first < settings.Jobs; first += perBatch)
        await scheduler.ScheduleJobs(JobSet.Build(settings.Kind, first, Math.Min(perBatch, settings.Jobs - first)), default);
    Console.WriteLine($"loaded {settings.Jobs} {settings.Kind} jobs");
    return 0;
}

using var receiver = new ReceiverClient(settings.Receiver ?? throw new ArgumentException("--receiver is required"), settings.InstanceId);
await using var factory = PeerScheduler.Build(settings, receiver);
var peer = await factory.GetScheduler();
await peer.Start();
Console.WriteLine($"started {settings.InstanceId}");
// The bench holds the other end: when it closes it or dies, the read ends and so does this process.
await Console.In.ReadToEndAsync();
await peer.Shutdown(waitForJobsToComplete: false);
return 0;
