namespace JobLog.Dispatch;

/// <summary>How a delivery ended: the outcome to record, the attempts made, the last HTTP status and a short error.</summary>
/// <param name="Abandoned">True when <see cref="DeliveryRequest.BeginAttempt"/> refused an attempt: the run is not this caller's to record.</param>
public sealed record DeliveryResult(RunOutcome Outcome, int Attempts, int? HttpStatus, string? Error, bool Abandoned = false);
