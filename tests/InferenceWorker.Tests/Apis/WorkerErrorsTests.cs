using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.V2;
using Microsoft.AspNetCore.Http;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>The worker's one map from failures to answers; the API tests see each answer through HTTP.</summary>
public sealed class WorkerErrorsTests
{
    public static TheoryData<Exception, int, string, int?> Failures() => new()
    {
        { new PredictInputException("takes 3 features"), 400, WorkerErrors.ClientError, null },
        { new InferenceRequestException("needs a shape"), 400, WorkerErrors.ClientError, null },
        { new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), 413, WorkerErrors.ClientError, null },
        { new ModelNotFoundException("no such model"), 404, WorkerErrors.NotFound, null },
        { new BatchQueueFullException("queue full"), 503, WorkerErrors.Unavailable, BatchQueueFullException.RetryAfterSeconds },
        { new RegistryUnavailableException("registry down"), 503, WorkerErrors.Unavailable, null },
        { new ModelLoadException("cannot load", new InvalidOperationException()), 503, WorkerErrors.Unavailable, null },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Classify_KnownFailure_IsItsStatusOutcomeAndMessage(Exception exception, int status, string outcome, int? retryAfter)
    {
        var error = WorkerErrors.Classify(exception);

        Assert.Equal(new WorkerError(status, outcome, exception.Message, retryAfter), error);
    }

    [Fact]
    public void Classify_AnyOtherException_IsLeftToTheExceptionHandler() =>
        Assert.Null(WorkerErrors.Classify(new InvalidOperationException("a bug")));

    [Fact]
    public void ToV2_QueueFull_SetsRetryAfterAndAnswersTheV2ErrorBody()
    {
        var response = new DefaultHttpContext().Response;

        var result = WorkerErrors.Classify(new BatchQueueFullException("queue full"))!.ToV2(response);

        Assert.Equal("1", response.Headers.RetryAfter.ToString());
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(new V2Error("queue full"), result.Value);
    }

    [Fact]
    public void ToProblem_NotFound_SetsNoRetryAfterAndAnswersAProblem()
    {
        var response = new DefaultHttpContext().Response;

        var result = WorkerErrors.Classify(new ModelNotFoundException("no such model"))!.ToProblem(response);

        Assert.False(response.Headers.ContainsKey("Retry-After"));
        Assert.Equal(404, result.StatusCode);
        Assert.Equal("no such model", result.ProblemDetails.Detail);
    }
}
