using Microsoft.Extensions.Options;
using Xunit;

namespace JobLog.Integration.Api;

public sealed class StartupTests
{
    [Fact]
    public async Task A_node_without_a_postgres_connection_string_refuses_to_start_and_says_what_to_set()
    {
        await using var host = new ApiHost(connectionString: null);

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains("JOBLOG_POSTGRES", validation.Message);
    }
}
