using System.Reflection;
using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch;

/// <summary>
/// The run store as a dispatcher that dies sees it: its first calls reach the store, every one after throws, reads and
/// writes alike (a process killed between two statements makes no further one, and learns nothing more).
/// </summary>
public class LosingRunStore : DispatchProxy
{
    private IRunStore _store = null!;
    private int _callsLeft;

    public static IRunStore Over(IRunStore store, int calls)
    {
        var proxy = Create<IRunStore, LosingRunStore>();
        var losing = (LosingRunStore)(object)proxy;
        losing._store = store;
        losing._callsLeft = calls;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (Interlocked.Decrement(ref _callsLeft) < 0)
            throw new IOException($"the dispatcher was lost before {targetMethod?.Name}");
        return targetMethod!.Invoke(_store, BindingFlags.DoNotWrapExceptions, null, args, null);
    }
}
