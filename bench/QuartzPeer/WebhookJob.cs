using Quartz;

namespace JobLog.QuartzPeer;

/// <summary>Posts one call per fire, stamped with the trigger's scheduled fire time as JobLog stamps its occurrences.</summary>
public sealed class WebhookJob(ReceiverClient receiver) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        try
        {
            await receiver.PostAsync(context.JobDetail.Key.Name, scheduled, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            // Counted by the bench as a missed occurrence; a retry would be a second delivery it has to tell apart.
            await Console.Error.WriteLineAsync($"{context.Scheduler.SchedulerInstanceId}: {context.JobDetail.Key.Name} not delivered: {e.Message}");
        }
    }
}
