using System.Net;
using Xunit;

namespace JobLog.Integration.Auth;

/// <summary>
/// The web console's files load without a credential (the page must load before its user can sign in) and with a policy
/// that lets the page run only the node's own scripts; everything else still needs one.
/// </summary>
public sealed class ConsoleFilesTests(AuthApiFixture node) : IClassFixture<AuthApiFixture>
{
    public static TheoryData<string, string> Files() => new()
    {
        { "/", "text/html" },
        { "/index.html", "text/html" },
        { "/app.css", "text/css" },
        { "/js/app.js", "text/javascript" },
        { "/js/api.js", "text/javascript" },
        { "/js/form.js", "text/javascript" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_console_file_is_served_to_anyone_with_a_same_origin_content_security_policy(string path, string mediaType)
    {
        var response = await node.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/favicon.ico")]
    [InlineData("/js/missing.js")]
    [InlineData("/appsettings.json")]
    public async Task A_path_that_is_not_a_console_file_still_needs_a_credential(string path)
    {
        var response = await node.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
