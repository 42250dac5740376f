namespace Maestro.InferenceWorker.Batching;

/// <summary>The batching settings that apply to one model version, resolved from <see cref="BatchingOptions"/> and registry tags.</summary>
/// <param name="RunWhenIdle">Whether a request that finds nothing queued or running runs at once instead of opening a window.</param>
internal sealed record BatchSettings(bool Enabled, int MaxBatchSize, TimeSpan MaxQueueDelay, int MaxQueueLength, bool RunWhenIdle = false);
