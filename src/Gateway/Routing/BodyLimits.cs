using Maestro.Gateway.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Routing;

/// <summary>
/// Applies the body limit of the matched route (<see cref="GatewayRoutes.BodyKindKey"/> metadata):
/// a declared length over the limit is refused with 413 before anything is forwarded, and the server
/// stops reading a body without a declared length once it passes the limit. A refused body of at most
/// <see cref="GatewayLimitsOptions.DrainBodyBytes"/> is left for the server to read and discard after
/// the answer (it does so for any body a request leaves unread), so the connection stays open and the
/// client gets the 413; a longer one is answered with <c>Connection: close</c>.
/// </summary>
internal sealed class BodyLimits(IOptions<GatewayLimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var kind = route.Metadata is { } metadata && metadata.TryGetValue(GatewayRoutes.BodyKindKey, out var value) ? value : null;
        var limit = options.Value.For(kind);
        var size = context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } writable ? writable : null;
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            if (size is not null && declared <= options.Value.DrainBodyBytes)
            {
                size.MaxRequestBodySize = declared;
            }
            else
            {
                context.Response.Headers.Connection = "close";
            }

            return GatewayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The body is {declared} bytes; {context.Request.Path} takes at most {limit} bytes.");
        }

        if (size is not null)
        {
            size.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
