namespace Maestro.InferenceWorker.Models;

/// <summary>
/// What the worker knows about one model name: the version serving it (swapped atomically) and when
/// the registry last confirmed that. <see cref="Gate"/> lets one refresh at a time ask the registry.
/// </summary>
internal sealed class ServedName(string name)
{
    public readonly string Name = name;
    public readonly SemaphoreSlim Gate = new(1, 1);
    public LoadedModel? Current;
    public long CheckedAt; // TimeProvider timestamp of the last answer from the registry
}
