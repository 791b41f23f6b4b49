using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using JobLog.Api.Auth;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Auth;

/// <summary>
/// Bearer tokens from an OpenID Connect issuer the node knows only by its address: the node reads the discovery document
/// and signing keys, checks signature, issuer, audience and lifetime, and takes the role from the configured claim.
/// </summary>
public sealed class JwtTests(AuthApiFixture node) : IClassFixture<AuthApiFixture>
{
    [Fact]
    public async Task A_valid_token_with_the_editor_role_adds_a_job_recorded_under_its_subject_prefixed_jwt()
    {
        var id = NewId();

        var response = await SendAsync(HttpMethod.Post, "/jobs", node.Issuer.Issue("carol", [Roles.Editor]), NewJob(id));

        await Expect(response, HttpStatusCode.Created);
        var history = await JsonArray(await node.Admin.GetAsync($"/jobs/{id}/history"));
        Assert.Equal("jwt:carol", (string?)history[0]!["actor"]);
    }

    [Fact]
    public async Task A_valid_token_with_the_viewer_role_reads_but_may_not_write()
    {
        var token = node.Issuer.Issue("victor", [Roles.Viewer]);

        await Expect(await SendAsync(HttpMethod.Get, "/jobs", token), HttpStatusCode.OK);
        var refused = await SendAsync(HttpMethod.Post, "/jobs", token, NewJob(NewId()));

        var problem = await ExpectProblem(refused, HttpStatusCode.Forbidden);
        Assert.Contains("editor", (string?)problem["detail"]);
    }

    public static TheoryData<string, string> Refused => new()
    {
        // token, what the 401's detail names
        { "expired an hour ago", "expired" },
        { "valid only from tomorrow", "not valid yet" },
        { "for another audience", "audience" },
        { "from another issuer", "issuer" },
        { "signed with another key under the issuer's key id", "signature" },
        { "unsigned with alg none", "signature" },
        { "without a subject", "subject" },
        { "whose subject has a control character", "subject" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_token_that_fails_a_check_is_401_with_a_bearer_challenge_and_changes_nothing(string kind, string reason)
    {
        var token = Token(kind);
        var before = await node.Admin.LastSequence();

        var write = await SendAsync(HttpMethod.Post, "/jobs", token, NewJob(NewId()));
        var read = await SendAsync(HttpMethod.Get, "/jobs", token);

        var problem = await ExpectProblem(write, HttpStatusCode.Unauthorized);
        Assert.Equal("https://joblog.dev/problems/unauthenticated", (string?)problem["type"]);
        Assert.Contains(reason, (string?)problem["detail"]);
        Assert.StartsWith("Bearer", write.Headers.WwwAuthenticate.ToString());
        await ExpectProblem(read, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await node.Admin.LastSequence());
    }

    [Fact]
    public async Task The_role_comes_from_the_configured_claim_and_a_role_in_another_claim_grants_nothing()
    {
        var elsewhere = node.Issuer.Issue("mia", [Roles.Admin], roleClaim: "role");

        var refused = await SendAsync(HttpMethod.Get, "/jobs", elsewhere);

        var problem = await ExpectProblem(refused, HttpStatusCode.Forbidden);
        Assert.Contains("no JobLog role", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_role_claim_holding_several_roles_grants_the_highest()
    {
        var token = node.Issuer.Issue("nina", [Roles.Viewer, Roles.Editor]);

        await Expect(await SendAsync(HttpMethod.Post, "/jobs", token, NewJob(NewId())), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_token_without_a_role_or_with_an_unknown_one_is_403_on_a_read_and_health_still_answers()
    {
        foreach (var token in new[] { node.Issuer.Issue("nobody"), node.Issuer.Issue("root", ["root", "Admin"]) })
        {
            await ExpectProblem(await SendAsync(HttpMethod.Get, "/jobs", token), HttpStatusCode.Forbidden);
            await Expect(await SendAsync(HttpMethod.Get, "/healthz", token), HttpStatusCode.OK);
        }
    }

    private string Token(string kind)
    {
        var now = DateTime.UtcNow;
        var issuer = node.Issuer;
        return kind switch
        {
            "expired an hour ago" => issuer.Issue("eve", [Roles.Admin], notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "valid only from tomorrow" => issuer.Issue("eve", [Roles.Admin], notBefore: now.AddDays(1), expires: now.AddDays(2)),
            "for another audience" => issuer.Issue("eve", [Roles.Admin], audience: "another-api"),
            "from another issuer" => issuer.Issue("eve", [Roles.Admin], issuer: "https://issuer.example.test"),
            "signed with another key under the issuer's key id" => issuer.Issue("eve", [Roles.Admin], signWith: RSA.Create(2048)),
            "unsigned with alg none" => issuer.Unsigned("eve", Roles.Admin),
            "without a subject" => issuer.Issue(subject: null, [Roles.Admin]),
            "whose subject has a control character" => issuer.Issue("eve\u0007", [Roles.Admin]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return node.Anonymous.SendAsync(request);
    }
}
