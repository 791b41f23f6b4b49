using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace JobLog.Integration.Api;

/// <summary>A node whose Kestrel gives up on a stalled request within seconds instead of the production 30 s and 5 s grace.</summary>
public sealed class ImpatientKestrelApiFixture : KestrelApiFixture
{
    protected override void Configure(KestrelServerOptions kestrel)
    {
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2);
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(2));
    }
}
