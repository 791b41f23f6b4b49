namespace JobLog.Properties;

/// <summary>One command of a generated script and how many seconds of store time pass before it is decided.</summary>
public sealed record Step(JobCommand Command, int DelaySeconds)
{
    public override string ToString() => $"+{DelaySeconds}s {Describe(Command)}";

    public static string Describe(JobCommand command) => command switch
    {
        AddJob a => $"add {a.Job} {Describe(a.Definition)} {(a.Enabled ? "enabled" : "paused")}",
        UpdateJob u => $"update {u.Job} {Describe(u.Definition)}",
        PauseJob => $"pause {command.Job}",
        ResumeJob => $"resume {command.Job}",
        DeleteJob => $"delete {command.Job}",
        RestoreJob => $"restore {command.Job}",
        _ => command.ToString(),
    };

    public static string Describe(JobDefinition definition) =>
        definition.Policy == DispatchPolicy.Default
            ? $"'{definition.Cron}' {definition.TimeZone}"
            : $"'{definition.Cron}' {definition.TimeZone} {Describe(definition.Policy)}";

    public static string Describe(DispatchPolicy policy) =>
        $"{policy.Misfire}/{policy.CatchUpWindowSeconds}s/{policy.Concurrency}/"
        + $"retry {policy.Retry.Attempts}x {policy.Retry.BackoffSeconds}-{policy.Retry.MaxBackoffSeconds}s";
}
