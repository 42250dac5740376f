using Maestro.Contracts;
using Maestro.Gateway.Auth;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Maestro.Gateway.Routing;

/// <summary>
/// What the services learn about the caller: <c>X-Maestro-Caller</c> carries the authenticated key id
/// (or token subject), set only by the gateway — a value sent by a client is dropped. Credentials
/// themselves are not forwarded.
/// </summary>
internal static class CallerForwarding
{
    public const string CallerHeader = MaestroHeaders.Caller;

    public static void Apply(TransformBuilderContext context)
    {
        context.AddRequestHeaderRemove(ApiKeyOptions.HeaderName);
        context.AddRequestHeaderRemove("Authorization");
        context.AddRequestHeaderRemove(CallerHeader);
        context.AddRequestTransform(transform =>
        {
            var caller = GatewayClaims.KeyIdOf(transform.HttpContext.User);
            if (!string.IsNullOrEmpty(caller))
            {
                transform.ProxyRequest.Headers.TryAddWithoutValidation(CallerHeader, caller);
            }

            return ValueTask.CompletedTask;
        });
    }
}
