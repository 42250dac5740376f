using System.Diagnostics;
using Maestro.InferenceWorker.Registry;
using Maestro.InferenceWorker.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Turns a downloaded ONNX file into a <see cref="LoadedModel"/>: an ONNX Runtime session with the
/// worker's settings (<see cref="WorkerOptions.IntraOpThreads"/>), warmed up (<see cref="ModelWarmup"/>),
/// traced, timed and counted. Models leave through <see cref="Retire"/> (or are reported through
/// <see cref="Retired"/>), so <c>maestro.inference.models.loaded</c> stays true.
/// </summary>
internal sealed partial class ModelLoader(IOptions<WorkerOptions> options, TimeProvider time, WorkerTelemetry telemetry, ILogger<ModelLoader> logger)
{
    /// <summary>Loads <paramref name="record"/> from <paramref name="path"/>; throws <see cref="ModelLoadException"/> when ONNX Runtime refuses it.</summary>
    /// <param name="model">The registered model, whose tags the version's override.</param>
    public LoadedModel Load(RegistryModel? model, RegistryModelVersion record, string path)
    {
        var (name, version) = (record.Name, record.Version);
        using var activity = WorkerTelemetry.ActivitySource.StartActivity("load model");
        activity?.SetTag("maestro.model", name);
        activity?.SetTag("maestro.model_version", version);
        var started = time.GetTimestamp();
        try
        {
            using var sessionOptions = CreateSessionOptions();
            var session = new InferenceSession(path, sessionOptions);
            if (ModelWarmup.TryRun(session) is { } warmupFailure)
            {
                LogWarmupFailed(logger, name, version, warmupFailure);
            }

            var loaded = new LoadedModel(name, version, record.Sha256, session, new FileInfo(path).Length, MergeTags(model?.Tags, record.Tags));
            Count(name, +1);
            telemetry.ModelLoadDuration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("model", name));
            LogLoaded(logger, name, version, record.Sha256);
            return loaded;
        }
        catch (OnnxRuntimeException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw new ModelLoadException($"Model '{name}' version {version} could not be loaded by this worker: {ex.Message}", ex);
        }
    }

    /// <summary>Gives up a loaded model: disposed once its last request finishes.</summary>
    public void Retire(LoadedModel model)
    {
        model.Retire();
        Retired(model);
    }

    /// <summary>Counts a model that was retired elsewhere (by <see cref="VersionedModelCache"/>).</summary>
    public void Retired(LoadedModel model) => Count(model.Name, -1);

    private void Count(string name, int change) =>
        telemetry.LoadedModels.Add(change, new KeyValuePair<string, object?>("model", name));

    /// <summary>A version's tags over its model's.</summary>
    private static Dictionary<string, string> MergeTags(IReadOnlyDictionary<string, string>? model, IReadOnlyDictionary<string, string>? version)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in (model ?? new Dictionary<string, string>()).Concat(version ?? new Dictionary<string, string>()))
        {
            tags[key] = value;
        }

        return tags;
    }

    private SessionOptions CreateSessionOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = options.Value.IntraOpThreads,
        InterOpNumThreads = 1,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} version {Version} (sha256 {Sha256}).")]
    private static partial void LogLoaded(ILogger logger, string model, int version, string sha256);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of {Model} version {Version} failed; it serves anyway: {Reason}")]
    private static partial void LogWarmupFailed(ILogger logger, string model, int version, string reason);
}
