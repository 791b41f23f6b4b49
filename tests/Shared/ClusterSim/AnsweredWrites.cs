using JobLog.Commands;

namespace JobLog.Testing.ClusterSim;

/// <summary>
/// The writes a run sent and how each ended: acknowledged (what every live node must end up holding), refused by the
/// decider or a stale version, failed (a step that must not happen), or never answered because its writer died.
/// </summary>
public sealed class AnsweredWrites(TraceLog trace, ClusterVerdict verdict)
{
    private readonly List<Pending> _pending = [];
    private readonly Dictionary<string, int> _refused = [];

    public List<Acknowledged> Acknowledged { get; } = [];

    public int UnansweredByDeath { get; private set; }

    public int PendingCount => _pending.Count;

    /// <summary>True once every write has its answer or its writer is dead.</summary>
    public bool AllSettled => _pending.All(p => p.Answer.IsCompleted || p.WriterLife.Dead);

    /// <summary>Refusals by kind, e.g. "2 StaleVersion, 1 CommandRejected", in ordinal order.</summary>
    public string RefusalSummary => string.Join(", ", _refused.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"));

    /// <param name="writer">The writing node as the trace names it (id and incarnation).</param>
    public void Add(string writerId, string writer, ProcessLife writerLife, string operation, Task<CommandResult> answer) =>
        _pending.Add(new Pending(writerId, writer, writerLife, operation, answer));

    /// <summary>Takes in every answer that has come, and gives up on writes whose writer died.</summary>
    public void Collect()
    {
        foreach (var pending in _pending.ToList())
        {
            var answer = pending.Answer;
            if (answer.IsCompletedSuccessfully)
            {
                _pending.Remove(pending);
                if (answer.Result is JobChanged changed)
                {
                    Acknowledged.Add(new Acknowledged(pending.WriterId, pending.Operation, changed.Recorded));
                    trace.Add($"{pending.Writer} acknowledged {changed.Recorded.Job} v{changed.Recorded.Version} #{changed.Recorded.Sequence}");
                }
                else
                {
                    var kind = answer.Result.GetType().Name;
                    _refused[kind] = _refused.GetValueOrDefault(kind) + 1;
                    trace.Add($"{pending.Writer} answered {kind}");
                }
            }
            else if (answer.IsFaulted)
            {
                _pending.Remove(pending);
                verdict.Add(ClusterVerdict.Steps, $"{pending.Operation} failed: {answer.Exception!.InnerException!.GetType().Name}: {answer.Exception.InnerException.Message}");
            }
            else if (pending.WriterLife.Dead)
            {
                _pending.Remove(pending);
                UnansweredByDeath++;
            }
        }
    }

    private sealed record Pending(string WriterId, string Writer, ProcessLife WriterLife, string Operation, Task<CommandResult> Answer);
}
