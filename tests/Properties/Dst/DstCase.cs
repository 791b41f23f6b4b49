using JobLog.Properties.Cron;

namespace JobLog.Properties.Dst;

/// <summary>A cron expression asked for its fires in (<see cref="After"/>, <see cref="End"/>], a window around a zone's transition.</summary>
public sealed record DstCase(ZoneTransition Transition, ValidCron Cron, DateTimeOffset After, DateTimeOffset End)
{
    public override string ToString() =>
        $"zone {Transition.Zone}, transition {Transition}, cron {Cron}, " +
        $"window ({After:yyyy-MM-ddTHH:mm:ss.fffZ}, {End:yyyy-MM-ddTHH:mm:ss.fffZ}]";
}
