using System.Runtime.CompilerServices;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Telemetry;
using Microsoft.Extensions.Options;
using RowOutcome = (double Prediction, double Probability);

namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// The batchers of the loaded model versions: one per <see cref="LoadedModel"/> and kind of request,
/// created on its first batchable request and dropped with it (a weak table, so a retired version takes
/// its batcher along once the last request holding a lease on it is done). The batching window runs on
/// the worker's <see cref="TimeProvider"/>. What a merged run does is the caller's: batching knows rows
/// and tensors, not the APIs that send them.
/// </summary>
internal sealed partial class ModelBatchers
{
    private readonly ConditionalWeakTable<LoadedModel, ModelBatcher<double[], RowOutcome>> _rows = [];
    private readonly ConditionalWeakTable<LoadedModel, ModelBatcher<TensorBatchItem, TensorBatchOutcome>> _tensors = [];
    private readonly ConditionalWeakTable<LoadedModel, BatchSettings> _settings = [];
    private readonly BatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly WorkerTelemetry _telemetry;
    private readonly ILogger<ModelBatchers> _logger;

    public ModelBatchers(
        IOptions<BatchingOptions> options, TimeProvider time, WorkerTelemetry telemetry, ILogger<ModelBatchers> logger)
    {
        _options = options.Value;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>
    /// The settings for <paramref name="model"/>: configuration, then its registry tags
    /// (<see cref="BatchingTags"/>); a tag that cannot be read is logged (once per loaded version) and ignored.
    /// </summary>
    public BatchSettings SettingsFor(LoadedModel model) =>
        _settings.TryGetValue(model, out var settings) ? settings : _settings.GetValue(model, Resolve);

    private BatchSettings Resolve(LoadedModel model)
    {
        var settings = BatchingTags.Apply(_options.For(model.Name), model.Tags, out var problems);
        foreach (var problem in problems)
        {
            LogIgnoredTag(_logger, model.Name, model.Version, problem);
        }

        return settings;
    }

    /// <summary>Whether every input of the model has a dynamic first dimension (-1), so requests can be stacked along it.</summary>
    public static bool CanBatch(LoadedModel model) =>
        CanBatch(model.InputNames.Select(name => model.InputMetadata[name]).Select(input => input.IsTensor ? input.Dimensions : []));

    /// <summary>Whether every input shape has at least one dimension and a dynamic first one.</summary>
    public static bool CanBatch(IEnumerable<int[]> inputDimensions)
    {
        var any = false;
        foreach (var dimensions in inputDimensions)
        {
            if (dimensions.Length == 0 || dimensions[0] >= 0)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>
    /// The batcher for rows of features on <paramref name="model"/>, which <paramref name="run"/> turns
    /// into one (prediction, probability) each (the first caller's <paramref name="run"/> serves every
    /// later one). When batching is off for the model, or an input's first dimension is fixed, its batch
    /// size is 1: every request runs alone (and is still measured).
    /// </summary>
    public ModelBatcher<double[], RowOutcome> ForRows(LoadedModel model, Func<LoadedModel, IReadOnlyList<double[]>, RowOutcome[]> run)
    {
        if (_rows.TryGetValue(model, out var batcher))
        {
            return batcher;
        }

        var settings = SettingsFor(model);
        if (!settings.Enabled || !CanBatch(model))
        {
            settings = settings with { Enabled = false, MaxBatchSize = 1 };
        }

        var tag = new KeyValuePair<string, object?>("model", model.Name);
        return _rows.GetValue(model, m => new ModelBatcher<double[], RowOutcome>(
            settings,
            _time,
            rows => run(m, rows),
            rows => _telemetry.BatchSize.Record(rows, tag),
            waited => _telemetry.QueueDuration.Record(waited.TotalSeconds, tag)));
    }

    /// <summary>
    /// The batcher for V2 inferences on <paramref name="model"/>, or <c>null</c> when batching is off for
    /// it or an input's first dimension is fixed: its requests then run alone, as before batching.
    /// </summary>
    public ModelBatcher<TensorBatchItem, TensorBatchOutcome>? ForTensors(LoadedModel model)
    {
        if (_tensors.TryGetValue(model, out var batcher))
        {
            return batcher;
        }

        var settings = SettingsFor(model);
        if (!settings.Enabled || !CanBatch(model))
        {
            return null;
        }

        var tag = new KeyValuePair<string, object?>("model", model.Name);
        return _tensors.GetValue(model, m => new ModelBatcher<TensorBatchItem, TensorBatchOutcome>(
            settings,
            _time,
            rows => TensorBatch.Run(m, rows),
            rows => _telemetry.BatchSize.Record(rows, tag),
            waited => _telemetry.QueueDuration.Record(waited.TotalSeconds, tag)));
    }

    /// <summary>The rows batcher already created for <paramref name="model"/>, if any (for tests and diagnostics).</summary>
    public ModelBatcher<double[], RowOutcome>? PeekRows(LoadedModel model) => _rows.TryGetValue(model, out var batcher) ? batcher : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a batching tag of {Model} version {Version}: {Problem}.")]
    private static partial void LogIgnoredTag(ILogger logger, string model, int version, string problem);
}
