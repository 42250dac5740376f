using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Routing;

/// <summary>
/// What becomes of a request body the gateway answers without reading: a 401, 403, 404 or 429 decided
/// from the headers, a 413 for the declared length (<see cref="BodyLimits"/>). Were the connection
/// closed while such a body is still arriving, the client's kernel would reset it, and the reset throws
/// away the answer the client has not read yet: it would see only "broken pipe". The server reads an
/// unread body to its end and discards it after the answer, keeping the connection, but only within the
/// request's body limit. So, as the answer starts with nothing having read the body, a declared length
/// of at most <see cref="GatewayLimitsOptions.DrainBodyBytes"/> becomes the limit; a longer body is
/// answered with <c>Connection: close</c>. Only bodies declared longer than the smallest configured limit
/// are watched (one callback at the answer's start): the server drains any shorter one as it is.
/// </summary>
internal sealed class UnreadBodies
{
    private readonly long _watchAbove;
    private readonly long _drainBytes;
    private readonly Func<object, Task> _answerStarting;

    public UnreadBodies(IOptions<GatewayLimitsOptions> options)
    {
        var limits = options.Value;
        _watchAbove = limits.SmallestBodyBytes;
        _drainBytes = limits.DrainBodyBytes;
        _answerStarting = AnswerStarting;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength > _watchAbove)
        {
            context.Response.OnStarting(_answerStarting, context);
        }

        return next(context);
    }

    private Task AnswerStarting(object state)
    {
        var context = (HttpContext)state;
        // Read-only once anything (the proxy forwarding it, an endpoint) has started reading the body.
        if (context.Request.ContentLength is { } declared && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            if (declared > _drainBytes)
            {
                context.Response.Headers.Connection = "close";
            }
            else if (size.MaxRequestBodySize < declared)
            {
                size.MaxRequestBodySize = declared;
            }
        }

        return Task.CompletedTask;
    }
}
