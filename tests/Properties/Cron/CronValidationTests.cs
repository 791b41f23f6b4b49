using System.Collections.Immutable;
using NCrontab;

namespace JobLog.Properties.Cron;

public sealed class CronValidationTests
{
    private static readonly JobDefinition Valid = new(
        "nightly-report",
        "0 2 * * *",
        "Europe/Berlin",
        new WebhookTarget("https://hooks.example.com/run", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));

    private static List<FieldError> CronErrors(string cron) =>
        JobDefinitionRules.Validate(Valid with { Cron = cron }).Where(e => e.Field == "cron").ToList();

    [Theory]
    [InlineData("0-99999999999 * * * *", "minute")]
    [InlineData("*/99999999999 * * * *", "minute")]
    [InlineData("99999999999 * * * *", "minute")]
    [InlineData("0 0-2147483648 * * *", "hour")]
    [InlineData("*/0 * * * *", "minute")]
    [InlineData("0 */0 * * *", "hour")]
    [InlineData("0-59/0 * * * *", "minute")]
    [InlineData("5/0 * * * *", "minute")]
    [InlineData("5-1 * * * *", "minute")]
    [InlineData("0 0 * dec-jan *", "month")]
    [InlineData("0 0 * * fri-mon", "day-of-week")]
    [InlineData("60 * * * *", "minute")]
    [InlineData("* 24 * * *", "hour")]
    [InlineData("* * 0 * *", "day-of-month")]
    [InlineData("* * 32 * *", "day-of-month")]
    [InlineData("* * * 0 *", "month")]
    [InlineData("* * * 13 *", "month")]
    [InlineData("* * * * 7", "day-of-week")]
    [InlineData("60 * * * * *", "second")]
    [InlineData("0 60 * * * *", "minute")]
    [InlineData("*/60 * * * *", "minute")]
    [InlineData("* */24 * * *", "hour")]
    [InlineData("* * * * */7", "day-of-week")]
    [InlineData("*/+5 * * * *", "minute")]
    [InlineData("*/-5 * * * *", "minute")]
    [InlineData("+5 * * * *", "minute")]
    [InlineData("1,,2 * * * *", "minute")]
    [InlineData("1, * * * *", "minute")]
    [InlineData(",1 * * * *", "minute")]
    [InlineData("*/5/2 * * * *", "minute")]
    [InlineData("*-5 * * * *", "minute")]
    [InlineData("1-2-3 * * * *", "minute")]
    [InlineData("5- * * * *", "minute")]
    [InlineData("*/ * * * *", "minute")]
    [InlineData("jan * * * *", "minute")]
    [InlineData("* * * Ju *", "month")]
    [InlineData("* * * * S", "day-of-week")]
    [InlineData("* * * * Mond", "day-of-week")]
    [InlineData("? * * * *", "minute")]
    [InlineData("* * L * *", "day-of-month")]
    [InlineData("* * * * MON#2", "day-of-week")]
    [InlineData("* * 15W * *", "day-of-month")]
    [InlineData("0\t3 * * * *", "minute")]
    public void A_cron_field_out_of_range_backwards_zero_stepped_or_malformed_is_refused_naming_that_field(string cron, string field)
    {
        var errors = CronErrors(cron);

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Message.StartsWith($"{field} field:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(" 0 3 * * *")]
    [InlineData("0 3 * * * ")]
    [InlineData("0 3 * * *\n")]
    [InlineData("0 3 * *")]
    [InlineData("0 0 3 * * * 2026")]
    [InlineData("@daily")]
    [InlineData("")]
    public void A_cron_that_is_not_five_or_six_fields_between_single_spaces_is_refused(string cron) =>
        Assert.NotEmpty(CronErrors(cron));

    [Fact]
    public void A_cron_longer_than_the_limit_is_refused_without_being_parsed() =>
        Assert.Contains(CronErrors(string.Join(",", Enumerable.Repeat("1", 200)) + " * * * *"), e => e.Message.Contains("at most"));

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 9 * * 1-5")]
    [InlineData("0 9 * * mon-fri")]
    [InlineData("0 9 * * MON-FRI")]
    [InlineData("0 0 1 jan,Jul *")]
    [InlineData("0 0 1 January *")]
    [InlineData("0 0 * * saturday")]
    [InlineData("5/15 * * * *")]
    [InlineData("0-30/10 * * * *")]
    [InlineData("30 30 2 * * *")]
    [InlineData("0  3 * * *")]
    [InlineData("0000000000000000007 * * * *")]
    [InlineData("59 23 31 12 6")]
    [InlineData("0 0 29 2 *")]
    [InlineData("*/59 * * * *")]
    [InlineData("0 */23 */30 */11 */6")]
    [InlineData("0,15,30,45 * * * *")]
    [InlineData("5-5 * * * *")]
    public void A_cron_of_the_documented_grammar_is_accepted_and_NCrontab_parses_it(string cron)
    {
        Assert.Empty(CronErrors(cron));
        var seconds = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        Assert.NotNull(CrontabSchedule.TryParse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = seconds }));
    }

    [Fact]
    public void Every_faulty_cron_field_is_reported_not_only_the_first()
    {
        var errors = CronErrors("*/0 24 * 13 *");

        Assert.Equal(["minute", "hour", "month"], errors.Select(e => e.Message.Split(' ')[0]));
    }
}
