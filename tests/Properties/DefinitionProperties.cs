namespace JobLog.Properties;

public sealed class DefinitionProperties
{
    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Every_generated_definition_passes_the_rules(JobDefinition definition)
    {
        var errors = JobDefinitionRules.Validate(definition);
        return (errors.Count == 0).Label(string.Join("; ", errors));
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property One_broken_field_gives_exactly_one_error_naming_that_field(BrokenDefinition broken)
    {
        var errors = JobDefinitionRules.Validate(broken.Breakage.Apply(broken.Valid));
        return (errors.Count == 1 && errors[0].Field == broken.Breakage.Field).Label(string.Join("; ", errors));
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property Two_broken_fields_give_errors_naming_exactly_those_two_fields(DoublyBrokenDefinition broken)
    {
        var errors = JobDefinitionRules.Validate(broken.Broken);
        var fields = errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        return fields.SetEquals([broken.First.Field, broken.Second.Field]).Label(string.Join("; ", errors));
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(JobArbitraries)])]
    public Property A_job_id_is_accepted_exactly_when_it_has_1_to_64_of_lowercase_letters_digits_dash_underscore_and_no_store_prefix(IdText candidate)
    {
        var text = candidate.Text;
        var expected = text.Length is >= 1 and <= JobId.MaxLength
            && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')
            && !text.StartsWith("mt_", StringComparison.Ordinal);
        var accepted = JobId.TryParse(text, out var id, out var error);
        return (accepted == expected && (!accepted || id.Value == text) && (accepted || error is not null))
            .Label($"accepted {accepted}, error {error}");
    }
}
