namespace JobLog.Api.Api;

/// <param name="Next">The id to pass as <c>after</c> for the next page; null on the last page.</param>
public sealed record JobPage(IReadOnlyList<JobView> Items, string? Next);
