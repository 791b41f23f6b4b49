using JobLog.ZooKeeper.Errors;

namespace JobLog.ZooKeeper.Client;

/// <summary>
/// Result of one multi operation. When the multi failed every result has <see cref="Kind"/> null and
/// <see cref="Error"/> set: Ok for the operations before the failing one, its code, then RuntimeInconsistency.
/// </summary>
public sealed record MultiOpResult(MultiOpKind? Kind, ErrorCode Error, string? Path, Stat? Stat);
