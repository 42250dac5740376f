using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Forwarder;

namespace Maestro.Gateway.Errors;

/// <summary>
/// Every error the gateway itself answers: RFC 9457 problem+json, except under <c>/v2</c> where V2
/// clients expect <c>{"error": "..."}</c>. Also turns YARP's empty 502/503/504 answers into documents
/// that say which part of the platform did not respond.
/// </summary>
internal static class GatewayErrors
{
    public static bool IsV2(HttpContext context) => context.Request.Path.StartsWithSegments("/v2");

    public static async Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (IsV2(context))
        {
            await context.Response.WriteAsJsonAsync(new { error = detail });
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });
    }

    /// <summary>Fills the body of error responses that have none (unknown paths, proxy failures).</summary>
    public static Task OnEmptyStatusCode(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var status = context.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"Nothing is served at {context.Request.Path}. See /openapi/v1.json for the API.",
            // Only the gateway's own endpoints are matched here (proxied bodies pass through), and they all take JSON.
            StatusCodes.Status415UnsupportedMediaType =>
                $"A body of type '{context.Request.ContentType ?? "none"}' is not accepted here: send application/json.",
            StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout =>
                UpstreamFailure(context),
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return WriteAsync(context, status, detail);
    }

    private static string UpstreamFailure(HttpContext context)
    {
        var cluster = context.GetReverseProxyFeature()?.Cluster?.Config.ClusterId ?? "upstream";
        var error = context.Features.Get<IForwarderErrorFeature>()?.Error;
        return error switch
        {
            ForwarderError.NoAvailableDestinations => $"No healthy {cluster} instance is available right now; retry shortly.",
            ForwarderError.RequestTimedOut => $"The {cluster} service did not answer in time.",
            null => $"The {cluster} service is unavailable; retry shortly.",
            _ => $"The {cluster} service could not be reached or broke off the response; retry shortly.",
        };
    }
}
