using JobLog.Model;

namespace JobLog.Store;

/// <summary>One read of the global feed.</summary>
/// <param name="Events">The job events above the position the read started from, up to and including <paramref name="Next"/>, in sequence order.</param>
/// <param name="Next">
/// The position the feed has been read up to; pass it as the start of the next read. Every sequence number at or below
/// it is an event in <paramref name="Events"/> (or an earlier page), a row the store wrote for itself (a filler, or an
/// event type this node does not know), or a number that no transaction can commit any more.
/// </param>
/// <param name="ReachedEnd">
/// True when nothing above <paramref name="Next"/> can be read now: the feed ends there, or the next number belongs to
/// a transaction that may still commit. False when the page is full and the reader should read on at once.
/// </param>
public sealed record FeedPage(IReadOnlyList<RecordedEvent> Events, long Next, bool ReachedEnd);
