using JobLog.Dispatch;

namespace JobLog.Properties.Dispatch.Delivery;

public sealed class RunHeadersTests
{
    private static readonly JobId Job = JobId.Parse("nightly-report");

    [Fact]
    public void An_occurrence_is_written_in_utc_with_seven_fractional_digits_and_z()
    {
        var berlin = new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("2026-11-26T05:00:00.0000000Z", RunHeaders.FormatOccurrence(berlin));
        Assert.Equal("2026-03-29T01:02:03.1234567Z", RunHeaders.FormatOccurrence(new DateTimeOffset(2026, 3, 29, 1, 2, 3, TimeSpan.Zero).AddTicks(1234567)));
    }

    [Fact]
    public void The_idempotency_key_of_an_occurrence_is_the_truncated_sha256_of_job_and_instant() =>
        // python3: hashlib.sha256(b"nightly-report\n2026-11-26T05:00:00.0000000Z").digest()[:16].hex()
        Assert.Equal("c734ba98ca4146c54a6d9bfeecd60032",
            RunHeaders.KeyForOccurrence(Job, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.FromHours(1))));

    [Fact]
    public void A_manual_run_s_key_is_its_trigger_id()
    {
        var trigger = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var run = new RunRecord(1, Job, 3, DateTimeOffset.UnixEpoch, RunKind.Manual, trigger, null, null, null, null, null, 0, null, null, null);
        Assert.Equal("0f8fad5bd9cb469fa16570867728950e", RunHeaders.KeyFor(run));
    }

    [Fact]
    public void A_catch_up_run_has_the_key_its_occurrence_would_have_had_on_time()
    {
        var at = new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero);
        var run = new RunRecord(1, Job, 3, at, RunKind.CatchUp, null, "node-a", 4, at, null, null, 0, null, null, null);
        Assert.Equal(RunHeaders.KeyForOccurrence(Job, at), RunHeaders.KeyFor(run));
    }

    [Property(MaxTest = 500)]
    public Property An_occurrence_reads_back_and_its_key_depends_only_on_job_and_instant(long ticks, int offsetMinutes, bool otherJob)
    {
        var at = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Math.Abs(ticks % (TimeSpan.TicksPerDay * 365 * 40)));
        var elsewhere = at.ToOffset(TimeSpan.FromMinutes(offsetMinutes % (14 * 60)));
        var text = RunHeaders.FormatOccurrence(elsewhere);
        var job = otherJob ? JobId.Parse("other-job") : Job;
        return (RunHeaders.TryParseOccurrence(text, out var back) && back == at).Label($"{text} reads back as {back:O}, not {at:O}")
            .And(RunHeaders.KeyForOccurrence(job, elsewhere) == RunHeaders.KeyForOccurrence(job, at)).Label("same instant, same key")
            .And(RunHeaders.KeyForOccurrence(job, at) != RunHeaders.KeyForOccurrence(job, at.AddTicks(1))).Label("another instant, another key")
            .And(RunHeaders.KeyForOccurrence(job, at).All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')) && RunHeaders.KeyForOccurrence(job, at).Length == 32)
            .Label("32 lowercase hex digits");
    }

    [Theory]
    [InlineData("X-JobLog-Attempt")]
    [InlineData("x-joblog-attempt")]
    [InlineData("IDEMPOTENCY-KEY")]
    [InlineData("X-JobLog-Occurrence")]
    public void JobLog_s_header_names_are_reserved_in_any_case(string name) => Assert.True(RunHeaders.IsReserved(name));

    [Fact]
    public void Other_header_names_are_not_reserved() => Assert.False(RunHeaders.IsReserved("X-JobLog-Token"));
}
