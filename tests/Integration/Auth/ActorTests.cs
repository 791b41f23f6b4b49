using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JobLog.Api.Auth;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Auth;

/// <summary>The actor on every event is the authenticated identity; a header the caller chose changes nothing.</summary>
public sealed class ActorTests(AuthApiFixture node) : IClassFixture<AuthApiFixture>
{
    [Theory]
    [InlineData("add")]
    [InlineData("update")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("delete")]
    [InlineData("restore")]
    public async Task A_forged_X_Actor_does_not_change_the_actor_recorded_for_an_API_key(string change)
    {
        var actor = await ChangeAndReadActorAsync(change, TestKeys.Editor.Bearer);

        Assert.Equal(TestKeys.Editor.Name, actor);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("pause")]
    [InlineData("restore")]
    public async Task A_forged_X_Actor_does_not_change_the_actor_recorded_for_a_token_which_is_its_subject_under_jwt(string change)
    {
        var token = node.Issuer.Issue("alice@example.test", [Roles.Editor]);

        var actor = await ChangeAndReadActorAsync(change, new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal("jwt:alice@example.test", actor);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("system")]
    public async Task A_token_whose_subject_is_a_key_name_or_the_nodes_own_actor_is_recorded_apart_from_it(string subject)
    {
        var name = subject == "key" ? TestKeys.Editor.Name : subject;
        var token = node.Issuer.Issue(name, [Roles.Editor]);

        var byToken = await ChangeAndReadActorAsync("add", new AuthenticationHeaderValue("Bearer", token));
        var byKey = await ChangeAndReadActorAsync("add", TestKeys.Editor.Bearer);

        Assert.Equal($"jwt:{name}", byToken);
        Assert.NotEqual(byKey, byToken);
    }

    /// <summary>Makes the change with the credential and a forged <c>X-Actor</c>; returns the actor of the event it appended.</summary>
    private async Task<string?> ChangeAndReadActorAsync(string change, AuthenticationHeaderValue credential)
    {
        var id = NewId();
        var version = 1;
        if (change != "add")
            await node.Admin.CreateJob(id);
        if (change is "resume")
            await Expect(await node.Admin.Send(HttpMethod.Post, $"/jobs/{id}/pause", ifMatch: "\"1\""), HttpStatusCode.OK);
        if (change is "restore")
            await Expect(await node.Admin.Send(HttpMethod.Delete, $"/jobs/{id}", ifMatch: "\"1\""), HttpStatusCode.OK);
        if (change is "resume" or "restore")
            version = 2;

        var request = change switch
        {
            "add" => new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = JsonContent.Create(NewJob(id)) },
            "update" => new HttpRequestMessage(HttpMethod.Put, $"/jobs/{id}") { Content = JsonContent.Create(NewJob(id, name: "renamed")) },
            "delete" => new HttpRequestMessage(HttpMethod.Delete, $"/jobs/{id}"),
            _ => new HttpRequestMessage(HttpMethod.Post, $"/jobs/{id}/{change}"),
        };
        if (change != "add")
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        request.Headers.Authorization = credential;
        request.Headers.TryAddWithoutValidation("X-Actor", "mallory");
        var response = await node.Anonymous.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{change}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

        var history = await JsonArray(await node.Admin.GetAsync($"/jobs/{id}/history"));
        return (string?)history[^1]!["actor"];
    }
}
