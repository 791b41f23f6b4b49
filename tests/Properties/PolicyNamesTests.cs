using System.Text.Json;
using JobLog.Properties.Store;

namespace JobLog.Properties;

/// <summary>The API's names of the policy choices are the ones every serializer writes, and the only ones read back.</summary>
public sealed class PolicyNamesTests
{
    private static readonly JsonSerializerOptions[] EveryOptions =
        [ScheduleSerializer.Canonical, new(JsonSerializerDefaults.Web), new()];

    [Fact]
    public void Every_misfire_choice_is_written_under_its_api_name_by_marten_the_canonical_form_and_plain_options()
    {
        foreach (var choice in Enum.GetValues<MisfirePolicy>())
        {
            var name = PolicyNames.Of(choice);
            Assert.Equal($"\"{name}\"", MartenJson.Serializer.ToJson(choice));
            Assert.All(EveryOptions, options => Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(choice, options)));
            Assert.True(PolicyNames.TryParse(name, out MisfirePolicy parsed) && parsed == choice, name);
        }
        Assert.Equal(["fireOnce", "skip", "fireAll"], PolicyNames.Misfires);
    }

    [Fact]
    public void Every_concurrency_choice_is_written_under_its_api_name_by_marten_the_canonical_form_and_plain_options()
    {
        foreach (var choice in Enum.GetValues<ConcurrencyPolicy>())
        {
            var name = PolicyNames.Of(choice);
            Assert.Equal($"\"{name}\"", MartenJson.Serializer.ToJson(choice));
            Assert.All(EveryOptions, options => Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(choice, options)));
            Assert.True(PolicyNames.TryParse(name, out ConcurrencyPolicy parsed) && parsed == choice, name);
        }
        Assert.Equal(["forbid", "allow", "replace"], PolicyNames.Concurrencies);
    }

    [Theory]
    [InlineData("FireOnce")]
    [InlineData("FIREONCE")]
    [InlineData("fireonce")]
    [InlineData(" skip")]
    [InlineData("0")]
    [InlineData("")]
    public void A_misfire_name_in_another_spelling_is_not_read(string name) =>
        Assert.False(PolicyNames.TryParse(name, out MisfirePolicy _));

    [Fact]
    public void A_choice_outside_the_enum_is_shown_as_its_number_instead_of_failing_the_read()
    {
        Assert.Equal("7", PolicyNames.Of((MisfirePolicy)7));
        Assert.Equal("-1", PolicyNames.Of((ConcurrencyPolicy)(-1)));
    }
}
