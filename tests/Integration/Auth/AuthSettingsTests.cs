using System.Net;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Auth;

/// <summary>What the node accepts as API key and OpenAPI settings.</summary>
public sealed class AuthSettingsTests
{
    public static TheoryData<string, string, string, string> BadKeys => new()
    {
        // name, role, hash, what the refusal says
        { "ci", "root", TestKeys.Admin.Hash.Replace("0", "1", StringComparison.Ordinal), "Role must be" },
        { "ci", "editor", "jl_the-key-itself", "Hash must be" },
        { "ci", "editor", "md5:0123456789abcdef0123456789abcdef", "Hash must be" },
        { "ci", "editor", TestKeys.Viewer.Hash, "cannot be two identities" },
        { "-ci", "editor", "sha256:" + new string('a', 64), "a key name is" },
        { "system", "editor", "sha256:" + new string('b', 64), "the audit trail's own" },
        { "Anonymous", "viewer", "sha256:" + new string('c', 64), "the audit trail's own" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_node_with_an_invalid_API_key_setting_refuses_to_start_and_names_the_key(string name, string role, string hash, string says)
    {
        await using var host = new ApiHost(connectionString: null)
        {
            Settings = new Dictionary<string, string?>
            {
                ["JobLog:UseInMemoryStore"] = "true",
                [$"JobLog:Auth:ApiKeys:{name}:Role"] = role,
                [$"JobLog:Auth:ApiKeys:{name}:Hash"] = hash,
            },
        };

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains(says, failure.ToString());
        Assert.Contains($"'{name}'", failure.ToString());
    }

    [Fact]
    public async Task The_openapi_document_needs_a_viewer_when_it_is_not_anonymous()
    {
        await using var host = new ApiHost(connectionString: null)
        {
            Settings = new Dictionary<string, string?>
            {
                ["JobLog:UseInMemoryStore"] = "true",
                ["JobLog:Auth:AnonymousOpenApi"] = "false",
            },
        };
        await host.ReadyClientAsync();
        using var anonymous = host.CreateAnonymousClient();
        using var viewer = host.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = TestKeys.Viewer.Bearer;

        await ExpectProblem(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.Unauthorized);
        await Expect(await viewer.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        await Expect(await anonymous.GetAsync("/healthz"), HttpStatusCode.OK);
    }
}
