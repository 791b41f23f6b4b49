using JobLog.Cluster;
using JobLog.Model;
using JobLog.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobLog.Jobs;

/// <summary>
/// Runs one command against the store: fold the stream, check the caller's expected version, decide, and append
/// at that version, so a concurrent writer makes the append fail rather than overwrite. The result is returned
/// only after the event is committed, and the node's schedule has it before the caller hears back.
/// </summary>
public sealed partial class JobCommandService
{
    private readonly ResilientJobEventStore _store;
    private readonly ScheduleHolder _holder;
    private readonly string _node;
    private readonly ILogger<JobCommandService> _logger;

    public JobCommandService(
        ResilientJobEventStore store,
        ScheduleHolder holder,
        IOptions<NodeOptions> node,
        ILogger<JobCommandService> logger)
    {
        _store = store;
        _holder = holder;
        _node = node.Value.NodeId;
        _logger = logger;
    }

    public Task<CommandResult> AddAsync(
        JobId job, JobDefinition definition, bool enabled, string actor, CancellationToken cancellationToken) =>
        ExecuteAsync(new AddJob(job, definition, enabled, By(actor, null)), 0, cancellationToken);

    public Task<CommandResult> UpdateAsync(
        JobId job, JobDefinition definition, long expectedVersion, string actor, CancellationToken cancellationToken) =>
        ExecuteAsync(new UpdateJob(job, definition, By(actor, null)), expectedVersion, cancellationToken);

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

    private Provenance By(string actor, string? reason) => new(actor, _node, reason);

    private async Task<CommandResult> ExecuteAsync(JobCommand command, long expectedVersion, CancellationToken cancellationToken)
    {
        var stream = await _store.ReadStreamAsync(command.Job, cancellationToken);
        var state = JobEvolution.Replay(stream);
        var isAdd = command is AddJob;
        if (state is null && !isAdd)
            return JobMissing.Instance;
        if (!isAdd && state!.Version != expectedVersion)
            return new StaleVersion(state.Version);

        IJobEvent change;
        switch (JobDecider.Decide(state, command))
        {
            case Accepted accepted:
                change = accepted.Event;
                break;
            case Rejected { Kind: RejectionKind.NotFound }:
                return JobMissing.Instance;
            case Rejected rejected:
                return new CommandRejected(rejected.Kind, rejected.Reason);
            default:
                throw new InvalidOperationException("Unknown decision.");
        }

        switch (await _store.AppendAsync(command.Job, expectedVersion, change, cancellationToken))
        {
            case Appended appended:
                var after = JobEvolution.Evolve(state, appended.Recorded)!;
                Publish(stream, appended.Recorded);
                LogChanged(_logger, command.Job.Value, change.GetType().Name, appended.Recorded.Version, command.By.Actor);
                return new JobChanged(after, appended.Recorded);
            case VersionConflict conflict when isAdd:
                LogConflict(_logger, command.Job.Value, expectedVersion, conflict.ActualVersion);
                return new CommandRejected(RejectionKind.AlreadyExists, $"Job '{command.Job}' already exists.");
            case VersionConflict conflict:
                LogConflict(_logger, command.Job.Value, expectedVersion, conflict.ActualVersion);
                return new StaleVersion(conflict.ActualVersion);
            default:
                throw new InvalidOperationException("Unknown append outcome.");
        }
    }

    private void Publish(IReadOnlyList<RecordedEvent> stream, RecordedEvent recorded)
    {
        // The stream we decided on is authoritative; if this node's schedule lags behind it, fold it in first.
        if (_holder.Apply(recorded) == ApplyOutcome.Gap)
        {
            _holder.ApplyAll(stream);
            _holder.Apply(recorded);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: {EventType} committed as version {Version} by {Actor}")]
    private static partial void LogChanged(ILogger logger, string jobId, string eventType, long version, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: append at version {ExpectedVersion} lost to a concurrent write, now at {ActualVersion}")]
    private static partial void LogConflict(ILogger logger, string jobId, long expectedVersion, long actualVersion);
}
