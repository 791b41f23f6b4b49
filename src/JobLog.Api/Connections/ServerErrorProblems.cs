using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace JobLog.Api.Connections;

/// <summary>
/// Problem documents for the errors Kestrel answers before the application runs: a bad request line or header, headers
/// or a request line too large (431, 414), a request that stalls before its headers are in (408). Kestrel writes
/// those as an empty response from inside its connection loop (HttpProtocol.TryProduceInvalidRequestResponse) and
/// offers no hook to give them a body, so no middleware, exception handler or status-code page ever sees them. A
/// connection middleware is the one place that sees those bytes: it knows from <see cref="ConnectionActivity"/> whether
/// the application is serving a request, and only output written while it is not is ever rewritten.
/// </summary>
public static class ServerErrorProblems
{
    /// <summary>Wraps every connection of the endpoint so Kestrel's own error responses carry a problem document.</summary>
    public static IConnectionBuilder UseServerErrorProblems(this ListenOptions listen) => listen.Use(next => async connection =>
    {
        var activity = new ConnectionActivity();
        connection.Items[ConnectionActivity.ItemKey] = activity;
        var transport = connection.Transport;
        connection.Transport = new DuplexPipe(
            transport.Input, new ServerErrorResponseWriter(transport.Output, activity, connection.ConnectionId));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    });

    /// <summary>Marks, first in the pipeline, when the application serves a request on the connection and when its response is complete.</summary>
    public static IApplicationBuilder UseConnectionActivity(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ConnectionActivity.ItemKey, out var item) == true
            && item is ConnectionActivity activity)
        {
            activity.RequestStarted();
            // OnCompleted runs after Kestrel has flushed the whole response, so the response's last bytes are not
            // taken for Kestrel's own.
            context.Response.OnCompleted(static state =>
            {
                ((ConnectionActivity)state).RequestCompleted();
                return Task.CompletedTask;
            }, activity);
        }
        return next(context);
    });
}
