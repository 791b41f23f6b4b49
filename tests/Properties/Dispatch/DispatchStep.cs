namespace JobLog.Properties.Dispatch;

/// <summary>One step of a generated dispatch scenario: the clock moves (and the dispatcher ticks), or a job changes.</summary>
public abstract record DispatchStep
{
    public sealed record Advance(int Seconds) : DispatchStep;

    public sealed record Pause(int Job) : DispatchStep;

    public sealed record Resume(int Job) : DispatchStep;

    public sealed record Delete(int Job) : DispatchStep;

    public sealed record Restore(int Job) : DispatchStep;

    public sealed record Update(int Job, string Cron) : DispatchStep;
}
