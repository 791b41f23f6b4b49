using JobLog.Model;

namespace JobLog.Secrets;

/// <summary>A target with its secret values in stored form, or the fields that kept it from being sealed.</summary>
public sealed record SealedTarget(WebhookTarget? Target, IReadOnlyList<FieldError> Errors);
