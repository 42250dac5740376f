using System.Diagnostics;
using Maestro.Contracts;
using Microsoft.AspNetCore.Http;

namespace Maestro.ServiceDefaults;

/// <summary>
/// Adds the identifiers a person needs to find a failed request in logs and traces to every
/// RFC 9457 problem document: <c>traceId</c> (W3C) and <c>requestId</c> (the gateway's
/// <c>X-Request-Id</c> when present, else the server's own identifier).
/// </summary>
public static class ProblemDetailsEnricher
{
    public const string RequestIdHeader = MaestroHeaders.RequestId;

    public static void Enrich(Microsoft.AspNetCore.Http.ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var extensions = context.ProblemDetails.Extensions;
        // One spelling whatever the service's JSON naming policy (a snake_case service would also get "trace_id").
        extensions.Remove("trace_id");
        extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        extensions["requestId"] = http.Request.Headers.TryGetValue(RequestIdHeader, out var id) && !string.IsNullOrEmpty(id)
            ? id.ToString()
            : http.TraceIdentifier;
        context.ProblemDetails.Instance ??= http.Request.Path;
        context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? http.Response.StatusCode, http.Request);
    }

    /// <summary>A reason for the errors the framework raises before any handler could give one.</summary>
    private static string? DefaultDetail(int status, HttpRequest request) => status switch
    {
        StatusCodes.Status415UnsupportedMediaType =>
            $"This endpoint does not take Content-Type '{request.ContentType ?? "(none)"}'; see the API document for the media type it expects.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
        _ => null,
    };
}
