namespace JobLog.Api.Auth;

public sealed class AuthOptions
{
    public const string Section = "JobLog:Auth";

    /// <summary>
    /// Off only for a node that listens on loopback addresses alone (refused at start-up otherwise); then every request
    /// from this machine is served as <c>anonymous</c> with every right.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether <c>/openapi/*</c> is served without a credential; when false it needs a viewer.</summary>
    public bool AnonymousOpenApi { get; set; } = true;

    /// <summary>
    /// Whether <c>/metrics</c> is served without a credential. Off by default: its series name job ids, which every other
    /// endpoint shows only to a viewer. Prometheus sends a viewer key with <c>authorization: { credentials_file: ... }</c>;
    /// turn this on where the scraper cannot and the network is trusted.
    /// </summary>
    public bool AnonymousMetrics { get; set; }
}
