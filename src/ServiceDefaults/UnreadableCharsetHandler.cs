using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Maestro.ServiceDefaults;

/// <summary>
/// A JSON body whose <c>Content-Type</c> names a charset .NET does not know (<c>charset=utf-99</c>) makes
/// ASP.NET Core's JSON reading throw an <see cref="InvalidOperationException"/>, which would be a 500:
/// it is the client's mistake, so it is a 415 that says to send UTF-8.
/// </summary>
internal sealed class UnreadableCharsetHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not InvalidOperationException || UnknownCharset(httpContext.Request) is not { } charset || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Detail = $"The Content-Type names charset '{charset}', which this service cannot read: send the body as UTF-8 "
                    + "(Content-Type: application/json; charset=utf-8, or no charset).",
            },
        });
    }

    /// <summary>The charset of the request's media type when .NET has no encoding of that name.</summary>
    internal static string? UnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || mediaType.Charset is not { HasValue: true } charset)
        {
            return null;
        }

        var name = charset.Value!.Trim('"');
        try
        {
            _ = Encoding.GetEncoding(name);
            return null;
        }
        catch (ArgumentException)
        {
            return name;
        }
    }
}
