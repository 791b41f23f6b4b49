using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Client;

/// <summary>Outcome of a multi: all applied (<see cref="Succeeded"/>), or none with per-operation codes.</summary>
public sealed record MultiResult(IReadOnlyList<MultiOpResult> Results)
{
    public bool Succeeded => Results.All(r => r.Error == ErrorCode.Ok);

    /// <summary>The first operation's failure (index and code), or null when the multi succeeded.</summary>
    public (int Index, ErrorCode Error)? FirstError
    {
        get
        {
            for (var i = 0; i < Results.Count; i++)
            {
                if (Results[i].Error is not ErrorCode.Ok and not ErrorCode.RuntimeInconsistency)
                    return (i, Results[i].Error);
            }

            return null;
        }
    }
}
