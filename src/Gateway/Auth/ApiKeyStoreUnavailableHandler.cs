using Maestro.Gateway.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace Maestro.Gateway.Auth;

/// <summary>A key store that cannot be reached answers 503 with <c>Retry-After</c>, never 500.</summary>
internal sealed class ApiKeyStoreUnavailableHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ApiKeyStoreUnavailableException unavailable)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "1";
        await GatewayErrors.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, unavailable.Message);
        return true;
    }
}
