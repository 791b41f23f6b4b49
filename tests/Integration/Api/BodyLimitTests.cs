using System.Globalization;
using System.Text;
using JobLog.Api.Api;
using JobLog.Integration.Fixtures;
using Xunit;
using static JobLog.Integration.Api.Http;

namespace JobLog.Integration.Api;

/// <summary>
/// One body limit whatever the framing: exactly <see cref="ApiLimits.MaxBodyBytes"/> bytes of JSON are accepted and one
/// more is a 413 problem, with a Content-Length or chunked in any chunk size, over a real connection to Kestrel.
/// </summary>
[Collection(PostgresFixture.Collection)]
public sealed class BodyLimitTests(PostgresFixture postgres, KestrelApiFixture node) : IClassFixture<KestrelApiFixture>
{
    public static TheoryData<string, int, int> Framings()
    {
        var cases = new TheoryData<string, int, int>();
        foreach (var (framing, chunk) in new[] { ("content-length", 0), ("chunked", int.MaxValue), ("chunked", 4096), ("chunked", 1000), ("chunked", 7), ("chunked", 1) })
        {
            foreach (var size in new[] { ApiLimits.MaxBodyBytes - 75, ApiLimits.MaxBodyBytes, ApiLimits.MaxBodyBytes + 1 })
                cases.Add(framing, chunk, size);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task A_body_up_to_the_limit_is_accepted_and_one_byte_more_is_a_413_problem_whatever_the_framing(
        string framing, int chunkSize, int size)
    {
        var address = await node.StartAsync(postgres);
        using var client = node.Host.CreateClient();
        var before = await client.LastSequence();
        var id = NewId();
        var body = JobBodyOfExactly(id, size);

        var head = "POST /jobs HTTP/1.1\r\nHost: x\r\n" + TestKeys.Admin.HeaderLine + "Content-Type: application/json\r\n"
                   + (framing == "chunked" ? "Transfer-Encoding: chunked\r\n\r\n" : $"Content-Length: {body.Length}\r\n\r\n");
        var request = Encoding.ASCII.GetBytes(head).Concat(framing == "chunked" ? Chunked(body, chunkSize) : body).ToArray();
        var response = await RawHttp.ExchangeAsync(address, request);

        if (size <= ApiLimits.MaxBodyBytes)
        {
            Assert.True(response.Status == 201, $"{size} bytes {framing}/{chunkSize}: {response}");
            Assert.Equal(id, (string?)response.Json()["id"]);
        }
        else
        {
            var problem = ServerAnswerTests.AssertProblem(response, 413, "payload-too-large");
            Assert.Equal("body", (string?)problem["field"]);
            Assert.Equal(before, await client.LastSequence());
        }
    }

    /// <summary>A valid job whose JSON is padded with insignificant whitespace to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] JobBodyOfExactly(string id, int size)
    {
        var json = Encoding.UTF8.GetBytes(Serialize(NewJob(id)));
        Assert.True(json.Length < size);
        return [.. json[..^1], .. Enumerable.Repeat((byte)' ', size - json.Length), (byte)'}'];
    }

    private static byte[] Chunked(byte[] body, int chunkSize)
    {
        var wire = new MemoryStream();
        for (var at = 0; at < body.Length; at += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - at);
            wire.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            wire.Write(body, at, length);
            wire.Write("\r\n"u8);
        }
        wire.Write("0\r\n\r\n"u8);
        return wire.ToArray();
    }
}
