namespace JobLog.Api.Api;

/// <summary>
/// The dispatcher that claimed a run: its node, its leadership epoch and the incarnation of the election it led in
/// (null for runs claimed before incarnations were recorded).
/// </summary>
public sealed record ClaimedByView(string Node, long Epoch, string? Incarnation);
