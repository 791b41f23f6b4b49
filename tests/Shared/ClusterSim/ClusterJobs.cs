using System.Collections.Immutable;
using JobLog.Commands;
using JobLog.Model;

namespace JobLog.Testing.ClusterSim;

/// <summary>The few jobs a cluster run writes to (few, so that writes collide), and how a client's change is sent to a node.</summary>
public static class ClusterJobs
{
    public const int Count = 3;

    private static readonly string[] Crons = ["0 2 * * *", "*/15 * * * *", "30 1 * * 1-5", "0 */6 * * *", "5 4 * * 0"];

    public static string Name(int job) => ((char)('a' + job)).ToString();

    /// <param name="prefix">Put before the name where several runs share one store (the real cluster's).</param>
    public static JobId Id(int job, string prefix = "") => JobId.Parse(prefix + Name(job));

    /// <summary>A valid definition; <paramref name="variant"/> picks its cron, so consecutive updates change the job.</summary>
    public static JobDefinition Definition(int variant) =>
        new($"job {variant}", Crons[variant % Crons.Length], "UTC",
            new WebhookTarget("https://hooks.example.test/run", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));

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
