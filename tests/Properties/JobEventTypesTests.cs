using JobLog.Model;
using Xunit;

namespace JobLog.Properties;

public sealed class JobEventTypesTests
{
    [Fact]
    public void Every_event_type_of_the_model_has_one_registered_name_and_no_two_share_one()
    {
        var eventTypes = typeof(IJobEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IJobEvent).IsAssignableFrom(t))
            .ToList();

        Assert.Equal(eventTypes.OrderBy(t => t.Name), JobEventTypes.All.OrderBy(t => t.Name));
        Assert.Equal(eventTypes.Count, eventTypes.Select(JobEventTypes.NameOf).Distinct(StringComparer.Ordinal).Count());
        foreach (var type in eventTypes)
        {
            Assert.True(JobEventTypes.TryFind(JobEventTypes.NameOf(type), out var found));
            Assert.Equal(type, found);
        }
    }

    [Fact]
    public void An_unknown_name_is_not_found() => Assert.False(JobEventTypes.TryFind("tombstone", out _));
}
