using Microsoft.AspNetCore.Http.Features;

namespace JobLog.Api.Api;

/// <summary>
/// One body limit whatever the framing: at most <see cref="ApiLimits.MaxBodyBytes"/> bytes of payload, more is a
/// 413 problem. A declared Content-Length over the limit is refused before anything is read. A body without one
/// (chunked) is counted as it is read, because Kestrel's own MaxRequestBodySize counts the chunk framing too (sizes,
/// extensions, CRLFs): with the limit there, a chunked body was refused tens of bytes before the payload reached it.
/// For such a body Kestrel's limit becomes a backstop on framing (<see cref="ApiLimits.MaxChunkedBodyBytesOnWire"/>),
/// large enough for the payload limit sent in one-byte chunks.
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > ApiLimits.MaxBodyBytes)
            throw TooLarge();
        if (request.ContentLength is null
            && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
                serverLimit.MaxRequestBodySize = ApiLimits.MaxChunkedBodyBytesOnWire;
            request.Body = new PayloadLimitStream(request.Body, ApiLimits.MaxBodyBytes, TooLarge);
        }
        return next(context);
    }

    private static BadHttpRequestException TooLarge() =>
        new("The request body is over the limit.", StatusCodes.Status413PayloadTooLarge);
}
