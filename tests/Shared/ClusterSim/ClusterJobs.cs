using System.Collections.Immutable;
using JobLog.Commands;
using JobLog.Model;

namespace JobLog.Testing.ClusterSim;

/// <summary>The few jobs a cluster run writes to (few, so that writes collide), and how a client's change is sent to a node.</summary>
public static class ClusterJobs
{
    public const int Count = 3;

    private static readonly string[] Crons = ["0 2 * * *", "*/15 * * * *", "30 1 * * 1-5", "0 */6 * * *", "5 4 * * 0"];

    // As many policies as crons less one, so that the pairs go round: a policy travels with the definition everywhere
    // a cron does (events, znodes, the digest), and the checks at rest see it.
    private static readonly DispatchPolicy[] Policies =
    [
        DispatchPolicy.Default,
        new(MisfirePolicy.Skip, 0, ConcurrencyPolicy.Allow, new RetryPolicy(1, 0, 0)),
        new(MisfirePolicy.FireAll, 604_800, ConcurrencyPolicy.Replace, new RetryPolicy(10, 3600, 86_400)),
        new(MisfirePolicy.FireOnce, 60, ConcurrencyPolicy.Forbid, new RetryPolicy(5, 2, 30)),
    ];

    public static string Name(int job) => ((char)('a' + job)).ToString();

    /// <param name="prefix">Put before the name where several runs share one store (the real cluster's).</param>
    public static JobId Id(int job, string prefix = "") => JobId.Parse(prefix + Name(job));

    /// <summary>A valid definition; <paramref name="variant"/> picks its cron and policy, so consecutive updates change the job.</summary>
    public static JobDefinition Definition(int variant) =>
        new($"job {variant}", Crons[variant % Crons.Length], "UTC",
            new WebhookTarget("https://hooks.example.test/run", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30))
        {
            Policy = Policies[variant % Policies.Length],
        };

    /// <summary>Sends <paramref name="change"/> as the API would: every change but an add names the version the client expects.</summary>
    public static Task<CommandResult> SendAsync(
        JobCommandService commands, JobChange change, JobId job, long expectedVersion, int variant, CancellationToken cancellationToken) =>
        change switch
        {
            JobChange.Add => commands.AddAsync(job, Definition(variant), enabled: true, "client", cancellationToken),
            JobChange.Update => commands.UpdateAsync(job, Definition(variant), ReadOnlyFields.None, expectedVersion, "client", cancellationToken),
            JobChange.Pause => commands.PauseAsync(job, expectedVersion, "client", null, cancellationToken),
            JobChange.Resume => commands.ResumeAsync(job, expectedVersion, "client", null, cancellationToken),
            JobChange.Delete => commands.DeleteAsync(job, expectedVersion, "client", null, cancellationToken),
            _ => commands.RestoreAsync(job, expectedVersion, "client", null, cancellationToken),
        };
}
