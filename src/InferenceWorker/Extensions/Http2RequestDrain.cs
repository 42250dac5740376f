using Microsoft.AspNetCore.Http.Features;

namespace Maestro.InferenceWorker.Extensions;

/// <summary>
/// Reads what is left of an HTTP/2 request's body before the stream ends. Kestrel resets an HTTP/2 stream
/// whose request body was not read to the end (an answer that needs no body: a 404, a 415, a GET that
/// came with one); the gateway may then still be sending that body, take the reset for a failed call and
/// answer 502 instead of the worker's answer. Over HTTP/1.1 Kestrel drains the body itself. Bodies are
/// bounded by the gateway's and Kestrel's limits; reading one that breaks them, or that its sender
/// abandons, ends quietly.
/// </summary>
internal static class Http2RequestDrain
{
    /// <summary>Over HTTP/1.1 the request goes straight on: only an HTTP/2 one waits for its answer, then drains.</summary>
    public static IApplicationBuilder UseHttp2RequestDrain(this IApplicationBuilder app) => app.Use((HttpContext context, RequestDelegate next) =>
        HttpProtocol.IsHttp2(context.Request.Protocol) ? AnswerThenDrainAsync(context, next) : next(context));

    private static async Task AnswerThenDrainAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return;
        }

        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException or InvalidOperationException)
        {
            // The sender went away or broke a limit: nothing to answer any more.
        }
    }
}
