namespace JobLog.Model;

/// <summary>One <c>name=value</c> pair of a URL's query as written (still percent-encoded); no <c>=</c> gives a null value.</summary>
public readonly record struct QueryParameter(string Name, string? Value);
