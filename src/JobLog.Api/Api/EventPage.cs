namespace JobLog.Api.Api;

/// <param name="Next">
/// The sequence to pass as <c>after</c> next time: the position the feed was read up to, which is past the last item when
/// the store's own rows or numbers that never committed follow it, and the given one when nothing could be read.
/// </param>
public sealed record EventPage(IReadOnlyList<EventEntry> Items, long Next);
