using Microsoft.Net.Http.Headers;

namespace JobLog.Api.WebConsole;

/// <summary>
/// The web console: static files under wwwroot, served at <c>/</c> to anyone, since the page must load before its user
/// can sign in. It holds no data and no secret; every call it makes is to the API, which checks the caller's role as for
/// any other client.
/// </summary>
public static class ConsoleRegistration
{
    // Everything the console loads comes from the node itself: no CDN (machines may be offline) and nothing injected runs.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Before authentication, so the fallback policy (an authenticated caller) does not apply to the console's files.</summary>
    public static IApplicationBuilder UseJobLogConsole(this IApplicationBuilder app) => app
        .UseDefaultFiles()
        .UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // A node upgrade changes the files under the same names: the browser asks again each time.
                headers[HeaderNames.CacheControl] = "no-cache";
            },
        });
}
