namespace JobLog.Testing.ClusterSim;

/// <summary>
/// Whether a node's process lives, and when it dies: at once (<see cref="Kill"/>) or just before its k-th ZooKeeper call
/// from now (<see cref="DieAtCall"/>, asked by <see cref="DyingSession"/> before every call). Dying runs
/// <paramref name="onDeath"/> once, with what becomes of the process's appends in flight.
/// </summary>
public sealed class ProcessLife(Action<HeldFate> onDeath)
{
    private readonly Lock _gate = new();
    private int? _callsToLive;
    private HeldFate _fate;
    private volatile bool _dead;

    public bool Dead => _dead;

    public void DieAtCall(int call, HeldFate fate)
    {
        lock (_gate)
        {
            _callsToLive = call;
            _fate = fate;
        }
    }

    /// <summary>True when the process is dead, or dies now, before the call it is about to make.</summary>
    public bool DiesBeforeCall()
    {
        HeldFate fate;
        lock (_gate)
        {
            if (_dead)
                return true;
            if (_callsToLive is not { } left)
                return false;
            _callsToLive = left - 1;
            if (left > 1)
                return false;
            fate = _fate;
        }
        Kill(fate);
        return true;
    }

    public void Kill(HeldFate fate)
    {
        lock (_gate)
        {
            if (_dead)
                return;
            _dead = true;
        }
        onDeath(fate);
    }
}
