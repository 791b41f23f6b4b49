namespace JobLog.Api.Api;

/// <param name="Next">The sequence to pass as <c>after</c> next time: the last item's, or the given one when empty.</param>
public sealed record EventPage(IReadOnlyList<EventEntry> Items, long Next);
