using System.Diagnostics;
using JobLog.Node;
using JobLog.Model;
using JobLog.Secrets;
using JobLog.Store;
using JobLog.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Commands;

/// <summary>
/// Runs one command against the store: fold the job, check the caller's expected version, decide, and append
/// at that version, so a concurrent writer makes the append fail rather than overwrite. The result is returned
/// only after the event is committed, announced to the other nodes (<see cref="IChangeMirror"/>) and folded into
/// this node's schedule. Secret header values are encrypted after the decision and before the append
/// (<see cref="TargetSecrets"/>), so no event, znode or schedule ever holds one in clear.
/// </summary>
public sealed partial class JobCommandService
{
    private readonly IJobEventStore _store;
    private readonly ScheduleHolder _holder;
    private readonly ScheduleFeed _feed;
    private readonly IChangeMirror _mirror;
    private readonly ISecretVault _vault;
    private readonly string _node;
    private readonly ILogger<JobCommandService> _logger;

    public JobCommandService(
        IJobEventStore store,
        ScheduleHolder holder,
        ScheduleFeed feed,
        IChangeMirror mirror,
        ISecretVault vault,
        IOptions<NodeOptions> node,
        ILogger<JobCommandService> logger)
    {
        _store = store;
        _holder = holder;
        _feed = feed;
        _mirror = mirror;
        _vault = vault;
        _node = node.Value.NodeId;
        _logger = logger;
    }

    public Task<CommandResult> AddAsync(
        JobId job, JobDefinition definition, bool enabled, string actor, CancellationToken cancellationToken) =>
        ExecuteAsync(new AddJob(job, definition, enabled, By(actor, null)), 0, cancellationToken);

    /// <summary>
    /// Replaces the definition. <paramref name="readOnly"/> are the read-only fields the client sent back; they are
    /// checked against the job at <paramref name="expectedVersion"/>, the state the update is decided on, so a stale
    /// version is still a <see cref="StaleVersion"/> first.
    /// </summary>
    public Task<CommandResult> UpdateAsync(
        JobId job,
        JobDefinition definition,
        ReadOnlyFields readOnly,
        long expectedVersion,
        string actor,
        CancellationToken cancellationToken) =>
        ExecuteAsync(new UpdateJob(job, definition, By(actor, null)) { ReadOnly = readOnly }, expectedVersion, cancellationToken);

    public Task<CommandResult> PauseAsync(
        JobId job, long expectedVersion, string actor, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(new PauseJob(job, By(actor, reason)), expectedVersion, cancellationToken);

    public Task<CommandResult> ResumeAsync(
        JobId job, long expectedVersion, string actor, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(new ResumeJob(job, By(actor, reason)), expectedVersion, cancellationToken);

    public Task<CommandResult> DeleteAsync(
        JobId job, long expectedVersion, string actor, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(new DeleteJob(job, By(actor, reason)), expectedVersion, cancellationToken);

    public Task<CommandResult> RestoreAsync(
        JobId job, long expectedVersion, string actor, string? reason, CancellationToken cancellationToken) =>
        ExecuteAsync(new RestoreJob(job, By(actor, reason)), expectedVersion, cancellationToken);

    /// <summary>
    /// Stores the job's definition again with every secret it holds in clear sealed (<see cref="SealSecrets"/>), as the
    /// actor <see cref="SealSecrets.Actor"/>, at <paramref name="expectedVersion"/>: a concurrent change wins and is
    /// reported (<see cref="StaleVersion"/>); a job with nothing in clear is a <see cref="CommandRejected"/>.
    /// </summary>
    public Task<CommandResult> SealSecretsAsync(JobId job, long expectedVersion, string reason, CancellationToken cancellationToken) =>
        ExecuteAsync(new SealSecrets(job, By(SealSecrets.Actor, reason)), expectedVersion, cancellationToken);

    private Provenance By(string actor, string? reason) => new(actor, _node, reason);

    /// <summary>
    /// Runs the command inside one trace span and one log scope (job, expected version, node; the logger adds the trace
    /// id), so every line logged about the change, the mirror's included, carries them; counts what it changed or why not.
    /// </summary>
    private async Task<CommandResult> ExecuteAsync(JobCommand command, long expectedVersion, CancellationToken cancellationToken)
    {
        using var activity = JobLogTelemetry.Source.StartActivity("joblog.command " + command.GetType().Name);
        activity?.SetTag(JobLogTelemetry.JobIdAttribute, command.Job.Value);
        activity?.SetTag("joblog.job.expected_version", expectedVersion);
        activity?.SetTag("joblog.node", _node);
        using var scope = ChangeScope(_logger, command.Job.Value, expectedVersion, _node);
        var result = await DecideAsync(command, expectedVersion, cancellationToken);
        switch (result)
        {
            case JobChanged changed:
                var type = JobEventTypes.NameOf(changed.Recorded.Event);
                JobLogTelemetry.JobChanges.Add(1, new KeyValuePair<string, object?>(JobLogTelemetry.EventTypeAttribute, type));
                activity?.SetTag("joblog.job.version", changed.Recorded.Version);
                activity?.SetTag(JobLogTelemetry.EventTypeAttribute, type);
                break;
            case StaleVersion:
                CountConflict(activity, "stale_version");
                break;
            case CommandRejected { Kind: RejectionKind.AlreadyExists }:
                CountConflict(activity, "already_exists");
                break;
            case CommandRejected { Kind: RejectionKind.InvalidTransition }:
                CountConflict(activity, "invalid_transition");
                break;
        }
        return result;
    }

    private static void CountConflict(Activity? activity, string kind)
    {
        JobLogTelemetry.JobConflicts.Add(1, new KeyValuePair<string, object?>(JobLogTelemetry.ConflictKindAttribute, kind));
        activity?.SetTag(JobLogTelemetry.ConflictKindAttribute, kind);
    }

    private async Task<CommandResult> DecideAsync(JobCommand command, long expectedVersion, CancellationToken cancellationToken)
    {
        // Fast path: this node's schedule holds exactly the fold of the store's first N events of each stream,
        // so at the caller's version it is the state the store has at that version, and the append at that
        // version commits only if the store is still there. Anything else (job unknown here, a different
        // version, a rejection that a lagging schedule could explain) is decided on a fresh read of the stream.
        var known = _holder.Current.Find(command.Job);
        if (command is AddJob)
        {
            return known is not null
                ? Exists(command)
                : await DecideAndAppendAsync(command, null, [], expectedVersion: 0, cancellationToken);
        }
        if (known is not null && known.Version == expectedVersion
            && JobDecider.Decide(known, command) is Accepted accepted)
            return await SealAndAppendAsync(command, known, [], accepted.Event, expectedVersion, cancellationToken);

        var stream = await _store.ReadStreamAsync(command.Job, cancellationToken);
        var state = JobEvolution.Replay(stream);
        if (state is null)
            return JobMissing.Instance;
        if (state.Version != expectedVersion)
            return new StaleVersion(state.Version);
        return await DecideAndAppendAsync(command, state, stream, expectedVersion, cancellationToken);
    }

    /// <summary>Decides on <paramref name="state"/> (the job at <paramref name="expectedVersion"/>) and appends what it accepts.</summary>
    private Task<CommandResult> DecideAndAppendAsync(
        JobCommand command,
        JobState? state,
        IReadOnlyList<RecordedEvent> stream,
        long expectedVersion,
        CancellationToken cancellationToken) =>
        JobDecider.Decide(state, command) switch
        {
            Accepted accepted => SealAndAppendAsync(command, state, stream, accepted.Event, expectedVersion, cancellationToken),
            Rejected { Kind: RejectionKind.NotFound } => Task.FromResult<CommandResult>(JobMissing.Instance),
            Rejected rejected => Task.FromResult<CommandResult>(new CommandRejected(rejected.Kind, rejected.Reason) { Fields = rejected.Fields }),
            _ => throw new UnreachableException(),
        };

    /// <summary>
    /// Encrypts the secret header values of an accepted definition against the job's stored one (<paramref name="state"/>,
    /// the job at <paramref name="expectedVersion"/>), then appends. A redacted value that has nothing to keep is the
    /// command's input at fault: nothing is appended.
    /// </summary>
    private async Task<CommandResult> SealAndAppendAsync(
        JobCommand command,
        JobState? state,
        IReadOnlyList<RecordedEvent> stream,
        IJobEvent change,
        long expectedVersion,
        CancellationToken cancellationToken)
    {
        var definition = change switch
        {
            JobAdded added => added.Definition,
            JobUpdated updated => updated.Definition,
            _ => null,
        };
        if (definition is not null)
        {
            var sealedTarget = command is SealSecrets
                ? new SealedTarget(await TargetSecrets.SealStoredAsync(definition.Target, _vault, cancellationToken), [])
                : await TargetSecrets.SealAsync(definition.Target, state?.Definition.Target, _vault, cancellationToken);
            if (sealedTarget.Target is null)
            {
                return new CommandRejected(RejectionKind.InvalidField, $"Cannot change job '{command.Job}': a secret header value is at fault.")
                {
                    Fields = sealedTarget.Errors,
                };
            }
            var sealedDefinition = definition with { Target = sealedTarget.Target };
            change = change switch
            {
                JobAdded added => added with { Definition = sealedDefinition },
                JobUpdated updated => updated with { Definition = sealedDefinition },
                _ => change,
            };
        }
        return await AppendAsync(command, state, stream, change, expectedVersion, cancellationToken);
    }

    /// <summary>Appends the accepted <paramref name="change"/> at <paramref name="expectedVersion"/> and hands it to this node's feed.</summary>
    private async Task<CommandResult> AppendAsync(
        JobCommand command,
        JobState? state,
        IReadOnlyList<RecordedEvent> stream,
        IJobEvent change,
        long expectedVersion,
        CancellationToken cancellationToken)
    {
        switch (await _store.AppendAsync(command.Job, expectedVersion, change, cancellationToken))
        {
            case Appended appended:
                var after = JobEvolution.Evolve(state, appended.Recorded)!;
                // The event is committed: a caller that gives up now must keep it from neither the other nodes nor this one.
                await _mirror.MirrorAsync(appended.Recorded, after, CancellationToken.None);
                // The stream the command was decided on goes first, so a node whose schedule lags behind it needs no store read.
                await _feed.IngestAsync([.. stream, appended.Recorded], FeedSource.Write, CancellationToken.None);
                LogChanged(_logger, command.Job.Value, JobEventTypes.NameOf(change), appended.Recorded.Version, command.By.Actor, _node);
                return new JobChanged(after, appended.Recorded);
            case VersionConflict conflict when command is AddJob:
                LogConflict(_logger, command.Job.Value, expectedVersion, conflict.ActualVersion);
                return Exists(command);
            case VersionConflict conflict:
                LogConflict(_logger, command.Job.Value, expectedVersion, conflict.ActualVersion);
                return new StaleVersion(conflict.ActualVersion);
            default:
                throw new InvalidOperationException("Unknown append outcome.");
        }
    }

    private static CommandRejected Exists(JobCommand command) =>
        new(RejectionKind.AlreadyExists, $"Job '{command.Job}' already exists.");

    private static readonly Func<ILogger, string, long, string, IDisposable?> ChangeScope =
        LoggerMessage.DefineScope<string, long, string>("Job {JobId} at version {ExpectedVersion} on node {Node}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {EventType} committed as version {Version} by {Actor} on node {Node}")]
    private static partial void LogChanged(ILogger logger, string jobId, string eventType, long version, string actor, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: append at version {ExpectedVersion} lost to a concurrent write, now at {ActualVersion}")]
    private static partial void LogConflict(ILogger logger, string jobId, long expectedVersion, long actualVersion);
}
