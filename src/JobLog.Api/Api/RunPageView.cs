namespace JobLog.Api.Api;

/// <summary>Runs newest first; <c>next</c> is the <c>before</c> of the following page and <c>nextLink</c> its address (null on the last page).</summary>
public sealed record RunPageView(IReadOnlyList<RunView> Items, long? Next, string? NextLink);
