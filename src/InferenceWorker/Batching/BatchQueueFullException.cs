namespace Maestro.InferenceWorker.Batching;

/// <summary>The model's batching queue already holds as many rows as it may; answered with a 503 and <c>Retry-After</c>.</summary>
internal sealed class BatchQueueFullException(string message) : Exception(message)
{
    /// <summary>What the <c>Retry-After</c> header says, in seconds.</summary>
    public const int RetryAfterSeconds = 1;
}
