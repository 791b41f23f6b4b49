namespace JobLog.Properties.Secrets;

/// <summary>The one rule for which header values are secret.</summary>
public sealed class SecretHeadersTests
{
    [Theory]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    [InlineData("COOKIE")]
    [InlineData("Proxy-Authorization")]
    [InlineData("X-Api-Key")]
    [InlineData("X-Auth-TOKEN")]
    [InlineData("Client-Secret")]
    [InlineData("X-Password-Hash")]
    public void A_default_name_is_secret_in_any_case_without_being_listed(string name) =>
        Assert.True(SecretHeaders.IsSecret(name, []));

    [Theory]
    [InlineData("X-Trace")]
    [InlineData("Content-Type")]
    [InlineData("Accept")]
    [InlineData("X-Request-Id")]
    [InlineData("Authorisation-Hint")]
    public void Any_other_name_is_plain_unless_listed(string name)
    {
        Assert.False(SecretHeaders.IsSecret(name, []));
        Assert.True(SecretHeaders.IsSecret(name, [name.ToUpperInvariant()]));
    }
}
