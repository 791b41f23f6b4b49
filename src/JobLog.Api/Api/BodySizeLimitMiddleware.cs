namespace JobLog.Api.Api;

/// <summary>
/// Enforces <see cref="ApiLimits.MaxBodyBytes"/> before any endpoint reads the body, so an oversized request is a
/// 413 problem under every server (Kestrel's own limit only shows up as an I/O error inside body binding).
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > ApiLimits.MaxBodyBytes)
            throw TooLarge();
        if (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > ApiLimits.MaxBodyBytes)
                    throw TooLarge();
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            request.Body = buffer;
            request.ContentLength = buffer.Length;
        }
        await next(context);
    }

    private static BadHttpRequestException TooLarge() =>
        new($"Request bodies are limited to {ApiLimits.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
}
