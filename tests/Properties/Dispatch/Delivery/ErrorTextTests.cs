using System.Collections.Immutable;
using System.Net.Http;
using System.Text;
using JobLog.Dispatch.Delivery;

namespace JobLog.Properties.Dispatch.Delivery;

public sealed class ErrorTextTests
{
    private static readonly Gen<string> Secrets =
        from length in Gen.Choose(4, 40)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefXYZ0123456789-_.~".ToCharArray()), length)
        select new string(chars);

    // No character of the secrets' alphabet, so a piece of a secret in the error can only have come from the secret.
    private static readonly Gen<string> Filler =
        from length in Gen.Choose(0, 600)
        from chars in Gen.ArrayOf(Gen.Elements("gh ,\t\r\n\u0000\u001b\u202e€".ToCharArray()), length)
        select new string(chars);

    private static ErrorText For(string secret, string url = "https://hooks.example.com/run") =>
        new(new WebhookTarget(url, "POST", ImmutableSortedDictionary<string, string>.Empty.Add("X-Token", secret), null, 30), new Uri(url));

    [Property(MaxTest = 300)]
    public Property A_body_never_shows_a_header_value_whole_or_cut_at_the_read_limit() =>
        Prop.ForAll(Arb.From(Secrets), Arb.From(Filler), Arb.From(Filler), (secret, before, after) =>
        {
            var text = For(secret);
            var body = before + secret.ToUpperInvariant() + after + secret;
            var foreign = text.ReadBodyAsync(new StringContent(body, Encoding.UTF8), CancellationToken.None).GetAwaiter().GetResult();
            var error = text.Compose("HTTP 500", foreign);
            // Any 4 characters of the secret in a row would be a part of it shown.
            var shown = Enumerable.Range(0, secret.Length - 3).Select(i => secret.Substring(i, 4))
                .FirstOrDefault(part => error.Contains(part, StringComparison.OrdinalIgnoreCase) && !"HTTP 500: ".Contains(part, StringComparison.OrdinalIgnoreCase));
            return (shown is null).Label($"'{shown}' of the secret is in: {error}")
                .And(!error.Any(char.IsControl)).Label($"control characters in: {error}")
                .And(error.Length <= ErrorText.MaxLength + 1).Label($"{error.Length} characters");
        });

    [Fact]
    public async Task A_secret_past_a_long_run_of_blanks_is_not_cut_into_view()
    {
        const string secret = "0123456789abcdefghij";
        var text = For(secret);
        var body = new string(' ', ErrorText.MaxBodyBytes - 5) + secret;

        var foreign = await text.ReadBodyAsync(new StringContent(body, Encoding.UTF8), CancellationToken.None);

        Assert.DoesNotContain("01234", text.Compose("HTTP 500", foreign));
    }

    [Fact]
    public void The_password_of_the_url_is_masked_too()
    {
        var text = For("unrelated", "https://robot:pa55-w0rd@hooks.example.com/run");
        Assert.Equal("connection failed: no route to ***", text.Compose("connection failed", "no route to pa55-w0rd"));
    }
}
