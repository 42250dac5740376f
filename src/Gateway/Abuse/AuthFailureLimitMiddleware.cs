using System.Globalization;
using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Errors;

namespace Maestro.Gateway.Abuse;

/// <summary>
/// In front of authentication: a request that carries credentials (<c>X-API-Key</c> or
/// <c>Authorization</c>), or a <c>POST /auth/refresh</c> (whose refresh token is the credential), from a
/// client address with too many failed authentications is refused with 429 and <c>Retry-After</c>
/// before its credentials are looked at; such a request answered 401 counts as one more failure.
/// Requests without an address (a Unix socket) are not limited.
/// </summary>
internal sealed class AuthFailureLimitMiddleware(RequestDelegate next, AuthFailureLimiter limiter)
{
    public const string RefreshPath = "/auth/refresh";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address || !CarriesCredentials(context.Request))
        {
            await next(context);
            return;
        }

        var client = Client(address);
        if (limiter.RetryAfter(client) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            limiter.Refused(limiter.IsShared);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await GatewayErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                $"Too many failed authentications from {client}: retry in {seconds} s, with a key or token that is valid.");
            return;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            await limiter.RecordFailureAsync(client);
        }
    }

    private static bool CarriesCredentials(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyOptions.HeaderName)
        || request.Headers.Authorization.Count > 0
        || (HttpMethods.IsPost(request.Method) && request.Path.Equals(RefreshPath, StringComparison.OrdinalIgnoreCase));

    private static string Client(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
