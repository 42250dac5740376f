using System.Diagnostics;
using Maestro.ServiceDefaults;

namespace Maestro.Gateway.Routing;

/// <summary>
/// Gives every request an <c>X-Request-Id</c>: the caller's if it sent a sensible one, else the W3C
/// trace id. It is echoed on the response, forwarded to the services and used as the request's
/// identifier in logs and problem documents.
/// </summary>
internal static class RequestIdMiddleware
{
    public const int MaxLength = 128;

    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Request.Headers;
        var id = headers[ProblemDetailsEnricher.RequestIdHeader].ToString();
        if (id.Length is 0 or > MaxLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            id = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
            headers[ProblemDetailsEnricher.RequestIdHeader] = id;
        }

        context.TraceIdentifier = id;
        context.Response.Headers[ProblemDetailsEnricher.RequestIdHeader] = id;
        return next(context);
    });
}
