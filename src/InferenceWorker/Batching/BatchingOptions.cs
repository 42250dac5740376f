using System.ComponentModel.DataAnnotations;

namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// Settings under <c>Worker:Batching</c>: how concurrent requests for one model version are merged
/// into one ONNX Runtime run. <see cref="Models"/> overrides them per model name
/// (<c>Worker:Batching:Models:{name}:MaxBatchSize</c>), and registry tags override both (<see cref="BatchingTags"/>).
/// Batching is off unless turned on — for every model (<c>Worker:Batching:Enabled</c>), for one by name
/// (<c>Worker:Batching:Models:{name}:Enabled</c>) or by its tag <c>maestro.batching.enabled</c> — as in
/// Triton, where a model batches only when its configuration asks for it: merging pays off for models
/// whose run costs more than the hand-over to the batching queue (an MLP of a few hundred thousand
/// weights), not for small tabular models that run in microseconds.
/// </summary>
public sealed class BatchingOptions : IValidatableObject
{
    public const string SectionName = "Worker:Batching";

    /// <summary>Whether requests are merged for models that do not say otherwise; off (the default), every request runs alone.</summary>
    public bool Enabled { get; set; }

    /// <summary>The most rows one merged run holds. A request with at least this many rows runs alone.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long the first request of a batch waits for others to join.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Whether a request that finds its model idle — nothing queued, nothing running — runs at once
    /// instead of waiting for others; requests that arrive while a run is in flight still wait (up to
    /// <see cref="MaxQueueDelay"/>, or until that run ends) and are merged. Off, every first request of a
    /// batch waits for the window.
    /// </summary>
    public bool RunWhenIdle { get; set; } = true;

    /// <summary>How many rows may wait per model version; beyond that requests are refused with a 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueueLength { get; set; } = 1024;

    /// <summary>Overrides by model name.</summary>
    public Dictionary<string, BatchingModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The settings that apply to <paramref name="model"/>: its overrides over the defaults.</summary>
    internal BatchSettings For(string model)
    {
        var overrides = Models.GetValueOrDefault(model);
        return new BatchSettings(
            overrides?.Enabled ?? Enabled,
            overrides?.MaxBatchSize ?? MaxBatchSize,
            overrides?.MaxQueueDelay ?? MaxQueueDelay,
            MaxQueueLength,
            RunWhenIdle);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, model) in Models)
        {
            var prefix = $"{SectionName}:Models:{name}";
            if (model is null)
            {
                continue;
            }

            if (model.MaxBatchSize is < 1 or > 4096)
            {
                yield return new ValidationResult($"{prefix}:MaxBatchSize must be between 1 and 4096; it is {model.MaxBatchSize}.", [nameof(Models)]);
            }

            if (model.MaxQueueDelay is { } delay && (delay < TimeSpan.Zero || delay > TimeSpan.FromSeconds(10)))
            {
                yield return new ValidationResult($"{prefix}:MaxQueueDelay must be between 00:00:00 and 00:00:10; it is {delay}.", [nameof(Models)]);
            }
        }
    }
}
