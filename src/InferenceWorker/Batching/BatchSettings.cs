namespace Maestro.InferenceWorker.Batching;

/// <summary>The batching settings that apply to one model, resolved from <see cref="BatchingOptions"/>.</summary>
internal sealed record BatchSettings(bool Enabled, int MaxBatchSize, TimeSpan MaxQueueDelay, int MaxQueueLength);
