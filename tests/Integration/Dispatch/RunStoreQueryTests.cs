using JobLog.Dispatch;
using JobLog.Integration.Fixtures;
using JobLog.Model;
using Xunit;
using static JobLog.Integration.Dispatch.RunStoreScope;

namespace JobLog.Integration.Dispatch;

/// <summary>Run history: keyset pages, newest first, under every combination of filters.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class RunStoreQueryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Pages_walk_every_matching_run_newest_first_once_whatever_the_filters()
    {
        await using var scope = Fresh(postgres);
        var jobs = new[] { NewJob(), NewJob() };
        var outcomes = new[] { RunOutcome.Succeeded, RunOutcome.Failed, RunOutcome.Misfired };
        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        // 60 runs over two jobs: claimed in batches, some finished with one of three outcomes, some in flight, some manual.
        for (var batch = 0; batch < 6; batch++)
        {
            var claims = Enumerable.Range(batch * 10, 10).Select(i => Occurrence(jobs[i % 2], i)).ToList();
            var runs = await scope.Store.ClaimAsync(claims, "a", Leader(1), T0, CancellationToken.None);
            foreach (var (run, i) in runs.Select((c, i) => (c.Run!, i)).Where(r => r.i % 5 != 4))
                await scope.Store.CompleteAsync(run.Id, Ended(outcomes[(run.Id % 3)]), CancellationToken.None);
            await scope.Store.RequestTriggerAsync(jobs[batch % 2], 1, T0.AddMinutes(batch * 10 + 5), CancellationToken.None);
        }
        var all = (await scope.Store.QueryAsync(new RunQuery(null, null, null, null, 1000), CancellationToken.None)).Items;
        Assert.Equal(66, all.Count);

        var filters = from job in new JobId?[] { null, jobs[0] }
                      from since in new DateTimeOffset?[] { null, T0.AddMinutes(17) }
                      from outcome in new RunOutcome?[] { null, RunOutcome.Failed }
                      select (job, since, outcome);
        foreach (var (job, since, outcome) in filters)
        {
            var expected = all
                .Where(r => job is null || r.Job == job)
                .Where(r => since is null || r.ScheduledAt >= since)
                .Where(r => outcome is null || r.Outcome == outcome)
                .Select(r => r.Id)
                .ToList();
            // Every limit gives three pages or more: 1, 2 and a third of the matching runs.
            foreach (var limit in new[] { 1, 2, Math.Max(1, expected.Count / 3) })
            {
                var pages = await WalkAsync(scope.Store, new RunQuery(job, null, since, outcome, limit));
                var what = $"job {job?.ToString() ?? "any"}, since {since?.ToString("O") ?? "any"}, outcome {outcome?.ToString() ?? "any"}, limit {limit}";
                Assert.True(pages.Count >= 3, $"{what}: only {pages.Count} pages");
                Assert.True(expected.SequenceEqual(pages.SelectMany(p => p.Items).Select(r => r.Id)), what);
                Assert.All(pages.SkipLast(1), p => Assert.Equal(limit, p.Items.Count));
                Assert.Null(pages[^1].Next);
            }
        }
    }

    [Fact]
    public async Task A_page_starts_below_the_given_cursor_and_an_empty_store_gives_an_empty_last_page()
    {
        await using var scope = Fresh(postgres);
        Assert.Equal(new RunPage([], null), await scope.Store.QueryAsync(new RunQuery(null, null, null, null, 50), CancellationToken.None) with { Items = [] });
        Assert.Empty((await scope.Store.QueryAsync(new RunQuery(null, null, null, null, 50), CancellationToken.None)).Items);

        await scope.Store.TakeOverAsync("a", Leader(1), CancellationToken.None);
        var runs = (await scope.Store.ClaimAsync(
            [.. Enumerable.Range(0, 5).Select(i => Occurrence(NewJob(), i))], "a", Leader(1), T0, CancellationToken.None)).Select(c => c.Run!.Id).Order().ToList();

        var page = await scope.Store.QueryAsync(new RunQuery(null, runs[3], null, null, 2), CancellationToken.None);
        Assert.Equal([runs[2], runs[1]], page.Items.Select(r => r.Id));
        Assert.Equal(runs[1], page.Next);
        var last = await scope.Store.QueryAsync(new RunQuery(null, runs[1], null, null, 2), CancellationToken.None);
        Assert.Equal([runs[0]], last.Items.Select(r => r.Id));
        Assert.Null(last.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task A_limit_outside_1_to_1000_is_refused(int limit)
    {
        await using var scope = Fresh(postgres);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => scope.Store.QueryAsync(new RunQuery(null, null, null, null, limit), CancellationToken.None));
    }

    private static async Task<List<RunPage>> WalkAsync(IRunStore store, RunQuery query)
    {
        var pages = new List<RunPage>();
        long? before = null;
        do
        {
            var page = await store.QueryAsync(query with { Before = before }, CancellationToken.None);
            pages.Add(page);
            before = page.Next;
        }
        while (before is not null && pages.Count < 1000);
        return pages;
    }
}
