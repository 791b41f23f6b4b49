namespace JobLog.Api.Api;

/// <summary>The dispatcher that claimed a run: its node and leadership epoch.</summary>
public sealed record ClaimedByView(string Node, long Epoch);
