namespace JobLog.Commands;

/// <summary>What a command did: exactly one of <see cref="JobChanged"/>, <see cref="JobMissing"/>,
/// <see cref="StaleVersion"/> or <see cref="CommandRejected"/>.</summary>
public abstract record CommandResult;
