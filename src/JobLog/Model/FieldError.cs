namespace JobLog.Model;

/// <summary>A validation failure naming the input field at fault in JSON path form, e.g. <c>target.url</c>.</summary>
public sealed record FieldError(string Field, string Message);
