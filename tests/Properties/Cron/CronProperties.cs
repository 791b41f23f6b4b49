using System.Collections.Immutable;
using NCrontab;

namespace JobLog.Properties.Cron;

public sealed class CronProperties
{
    private static readonly JobDefinition Valid = new(
        "nightly-report",
        "0 2 * * *",
        "UTC",
        new WebhookTarget("https://hooks.example.com/run", "POST", ImmutableSortedDictionary<string, string>.Empty, null, 30));

    private static List<FieldError> CronErrors(string cron) =>
        JobDefinitionRules.Validate(Valid with { Cron = cron }).Where(e => e.Field == "cron").ToList();

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property A_generated_cron_of_the_grammar_is_accepted_and_NCrontab_fires_at_exactly_the_values_written(ValidCron cron)
    {
        var verdict = new Verdict();
        var errors = CronErrors(cron.Text);
        verdict.Expect(errors.Count == 0, () => $"refused: {string.Join("; ", errors)}");
        var parsed = CrontabSchedule.TryParse(cron.Text, new CrontabSchedule.ParseOptions { IncludingSeconds = cron.Fields.Count == 6 });
        verdict.Expect(parsed is not null, () => "NCrontab refuses it");
        foreach (var part in cron.Fields)
        {
            var field = CrontabField.TryParse(part.Field.Kind, part.Text);
            var values = Enumerable.Range(part.Field.Min, part.Field.Max - part.Field.Min + 1).Where(v => field?.Contains(v) == true).ToHashSet();
            verdict.Expect(values.SetEquals(part.Values),
                () => $"{part.Field} field '{part.Text}': NCrontab means {{{string.Join(",", values.Order())}}}, written {{{string.Join(",", part.Values.Order())}}}");
        }
        return verdict.ToProperty();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property A_generated_cron_with_one_broken_field_is_refused_naming_that_field(BrokenCron cron)
    {
        var errors = CronErrors(cron.Text);
        return errors.Any(e => e.Message.StartsWith($"{cron.FieldName} field:", StringComparison.Ordinal))
            .Label($"errors: {string.Join("; ", errors.Select(e => e.Message))}");
    }

    [Property(MaxTest = 2000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Any_text_gets_an_answer_and_what_the_rules_accept_NCrontab_parses(CronText text)
    {
        // Nothing here may throw, whatever the text: a throw fails the property with the text shrunk.
        var errors = CronErrors(text.Text);
        CronTiming.TryCreate(text.Text, text.Text, out _, out _);
        CronTiming.ForStored(text.Text, text.Text);
        JobDefinitionRules.Validate(new JobDefinition(text.Text, text.Text, text.Text, new WebhookTarget(
            text.Text, text.Text, ImmutableSortedDictionary<string, string>.Empty.Add(text.Text, text.Text), text.Text, 30)));
        if (errors.Count > 0)
            return true.ToProperty();

        var seconds = text.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        var parsed = CrontabSchedule.TryParse(text.Text, new CrontabSchedule.ParseOptions { IncludingSeconds = seconds });
        return (parsed is not null && CronTiming.TryCreate(text.Text, "UTC", out _, out _)).Label("accepted by the rules, refused by NCrontab");
    }
}
