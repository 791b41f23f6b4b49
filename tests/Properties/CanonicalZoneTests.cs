using System.Collections.Immutable;

namespace JobLog.Properties;

public sealed class CanonicalZoneTests
{
    private static readonly JobId Job = JobId.Parse("job-1");
    private static readonly Provenance By = new("alice", "node-a", null);
    private static readonly DateTimeOffset At = new(2026, 3, 28, 22, 0, 0, TimeSpan.Zero);

    private static JobDefinition Definition(string zone, string cron = "30 2 * * *") =>
        new("report", cron, zone, new WebhookTarget("https://hooks.example.com/run", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));

    private static IReadOnlyList<Occurrence> FiresOf(JobAdded added) =>
        Occurrences.Next(Schedule.Empty.Apply(new RecordedEvent(added, 1, 1, At)).Schedule, At, 5);

    [Theory]
    [InlineData("america/sao_paulo", "America/Sao_Paulo")]
    [InlineData("utc", "UTC")]
    [InlineData("us/eastern", "US/Eastern")]
    [InlineData("Europe/Berlin", "Europe/Berlin")]
    public void An_added_job_carries_the_zone_database_spelling_in_its_event(string given, string stored)
    {
        var decision = JobDecider.Decide(null, new AddJob(Job, Definition(given), true, By));

        var added = Assert.IsType<JobAdded>(Assert.IsType<Accepted>(decision).Event);
        Assert.Equal(stored, added.Definition.TimeZone);
    }

    [Fact]
    public void An_updated_job_carries_the_zone_database_spelling_in_its_event()
    {
        var state = new JobState(Job, Definition("UTC"), true, JobStatus.Active, 1, At, At);

        var decision = JobDecider.Decide(state, new UpdateJob(Job, Definition("europe/BERLIN"), By));

        var updated = Assert.IsType<JobUpdated>(Assert.IsType<Accepted>(decision).Event);
        Assert.Equal("Europe/Berlin", updated.Definition.TimeZone);
    }

    [Fact]
    public void An_old_event_with_another_spelling_folds_as_written_and_fires_as_the_canonical_zone()
    {
        var old = new JobAdded(Job, Definition("europe/berlin"), true, By);
        var canonical = new JobAdded(Job, Definition("Europe/Berlin"), true, By);

        var schedule = Schedule.Empty.Apply(new RecordedEvent(old, 1, 1, At)).Schedule;

        Assert.Equal("europe/berlin", schedule.Find(Job)!.Definition.TimeZone);
        Assert.NotEmpty(FiresOf(canonical));
        Assert.Equal(FiresOf(canonical), FiresOf(old));
    }

    [Fact]
    public void An_old_event_with_a_cron_the_rules_now_refuse_keeps_firing_as_it_did()
    {
        var old = new JobAdded(Job, Definition("UTC", cron: "*/0 * * * *"), true, By);

        var fires = FiresOf(old);

        Assert.Equal(Enumerable.Range(1, 5).Select(m => At.AddMinutes(m)), fires.Select(f => f.At));
    }

    [Fact]
    public void An_old_event_with_a_pseudo_zone_fires_nowhere_rather_than_differently_per_node()
    {
        var old = new JobAdded(Job, Definition("posixrules"), true, By);

        Assert.Empty(FiresOf(old));
    }
}
