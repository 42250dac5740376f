namespace Maestro.InferenceWorker.Batching;

/// <summary>Settings under <c>Worker:Batching:Models:{name}</c>; what is left out keeps the worker-wide value.</summary>
public sealed class BatchingModelOptions
{
    public bool? Enabled { get; set; }

    public int? MaxBatchSize { get; set; }

    public TimeSpan? MaxQueueDelay { get; set; }
}
