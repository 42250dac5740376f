using System.Globalization;
using Maestro.InferenceWorker.V2;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Maestro.InferenceWorker.Apis;

/// <summary>One failure as the worker answers it (<see cref="WorkerErrors.Classify"/>).</summary>
/// <param name="Outcome">What <c>maestro.inference.requests</c> counts it as.</param>
/// <param name="RetryAfterSeconds">Sent as <c>Retry-After</c> when waiting helps.</param>
internal sealed record WorkerError(int Status, string Outcome, string Detail, int? RetryAfterSeconds = null)
{
    public ProblemHttpResult ToProblem(HttpResponse response)
    {
        SetRetryAfter(response);
        return WorkerErrors.Problem(Status, Detail);
    }

    public JsonHttpResult<V2Error> ToV2(HttpResponse response)
    {
        SetRetryAfter(response);
        return WorkerErrors.V2(Status, Detail);
    }

    private void SetRetryAfter(HttpResponse response)
    {
        if (RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }
}
