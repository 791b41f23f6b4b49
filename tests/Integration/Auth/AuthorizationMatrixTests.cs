using System.Net;
using System.Net.Http.Headers;
using JobLog.Api.Auth;
using JobLog.Integration.Api;
using JobLog.Integration.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JobLog.Integration.Auth;

/// <summary>
/// Every endpoint against every kind of caller: the exact status, a problem document for each refusal, and for every
/// refused request no event appended and no run recorded.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthApiFixture node) : IClassFixture<AuthApiFixture>
{
    public const string NoCredential = "no credential";
    public const string UnknownKey = "an unknown API key";
    public const string ViewerKey = "the viewer key";
    public const string EditorKey = "the editor key";
    public const string AdminKey = "the admin key";
    public const string TokenWithoutRole = "a valid token without a role";
    public const string TokenWithUnknownRole = "a valid token with an unknown role";

    private static readonly string[] Credentials =
        [NoCredential, UnknownKey, ViewerKey, EditorKey, AdminKey, TokenWithoutRole, TokenWithUnknownRole];

    public static TheoryData<string, string> Cells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var endpoint in EndpointMatrix.Rows.Keys)
        {
            foreach (var credential in Credentials)
                cells.Add(endpoint, credential);
        }
        return cells;
    }

    [Fact]
    public void Every_mapped_endpoint_has_a_row_in_the_matrix()
    {
        var mapped = node.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                // A group's "" route is "/jobs/" in the data source; requests and the matrix say "/jobs".
                .Select(method => $"{method} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();

        Assert.True(mapped.SetEquals(EndpointMatrix.Rows.Keys),
            $"Mapped but not in the matrix: [{string.Join(", ", mapped.Except(EndpointMatrix.Rows.Keys))}]; "
            + $"in the matrix but not mapped: [{string.Join(", ", EndpointMatrix.Rows.Keys.Except(mapped))}]");
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_endpoint_answers_each_caller_with_its_exact_status_and_a_refusal_changes_nothing(string endpoint, string credential)
    {
        var row = EndpointMatrix.Rows[endpoint];
        var expected = Expected(row, credential);
        var request = await row.Prepare(node.Admin);
        request.Headers.Authorization = Authorization(credential);
        var eventsBefore = await node.Admin.LastSequence();
        var runsBefore = await RunCountAsync();

        var response = await node.Anonymous.SendAsync(request);

        Assert.True((int)response.StatusCode == expected,
            $"{endpoint} with {credential}: expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (expected is 401 or 403)
        {
            var problem = await Http.ExpectProblem(response, (HttpStatusCode)expected);
            Assert.Equal(expected == 401 ? "https://joblog.dev/problems/unauthenticated" : "https://joblog.dev/problems/forbidden",
                (string?)problem["type"]);
            if (expected == 401)
                Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal(eventsBefore, await node.Admin.LastSequence());
            Assert.Equal(runsBefore, await RunCountAsync());
        }
    }

    private static int Expected(EndpointRow row, string credential)
    {
        if (row.Minimum == EndpointMatrix.Anonymous)
            return row.Success;
        var role = credential switch
        {
            NoCredential or UnknownKey => null,
            ViewerKey => Roles.Viewer,
            EditorKey => Roles.Editor,
            AdminKey => Roles.Admin,
            _ => "",
        };
        return role switch
        {
            null => 401,
            _ when Roles.AtLeast(row.Minimum).Contains(role) => row.Success,
            _ => 403,
        };
    }

    private AuthenticationHeaderValue? Authorization(string credential) => credential switch
    {
        NoCredential => null,
        UnknownKey => new TestKey("nobody", Roles.Admin).Bearer,
        ViewerKey => TestKeys.Viewer.Bearer,
        EditorKey => TestKeys.Editor.Bearer,
        AdminKey => TestKeys.Admin.Bearer,
        TokenWithoutRole => new AuthenticationHeaderValue("Bearer", node.Issuer.Issue("norole")),
        TokenWithUnknownRole => new AuthenticationHeaderValue("Bearer", node.Issuer.Issue("root-user", ["root"])),
        _ => throw new ArgumentOutOfRangeException(nameof(credential), credential, null),
    };

    private async Task<int> RunCountAsync() =>
        (await Http.Json(await node.Admin.GetAsync("/runs?limit=1000")))["items"]!.AsArray().Count;
}
