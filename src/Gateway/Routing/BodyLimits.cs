using Maestro.Gateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Routing;

/// <summary>
/// Applies the body limit of the matched route (<see cref="GatewayRoutes.BodyKindKey"/> metadata):
/// a declared length over the limit is refused with 413 before anything is forwarded (what becomes of
/// that unread body: <see cref="UnreadBodies"/>), and the server stops reading a body without a declared
/// length once it passes the limit.
/// </summary>
internal sealed class BodyLimits(IOptions<GatewayLimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var kind = route.Metadata is { } metadata && metadata.TryGetValue(GatewayRoutes.BodyKindKey, out var value) ? value : null;
        var limit = options.Value.For(kind);
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            return GatewayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The body is {declared} bytes; {context.Request.Path} takes at most {limit} bytes.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
