using System.Collections.Concurrent;
using Maestro.InferenceWorker.Extensions;
using Maestro.InferenceWorker.Registry;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Answers "which session serves this name" on the hot path without calling the registry: the
/// answer is cached, and once it is older than <see cref="WorkerOptions.RefreshInterval"/> a
/// background refresh asks the registry again while requests keep using the current version. A new
/// serving version is downloaded, loaded, and swapped in atomically; the old one is retired and
/// disposed when its last request finishes. Versions asked for by number that do not serve their
/// name are loaded on demand through the same artifact cache and kept in a small
/// <see cref="VersionedModelCache"/>.
/// </summary>
internal sealed partial class ModelRepository : IDisposable
{
    private readonly ConcurrentDictionary<string, ServedName> _names = new(StringComparer.Ordinal);
    private readonly RegistryClient _registry;
    private readonly ArtifactCache _artifacts;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly WorkerTelemetry _telemetry;
    private readonly ILogger<ModelRepository> _logger;
    private readonly VersionedModelCache _versions;
    private readonly SemaphoreSlim _versionGate = new(1, 1);

    public ModelRepository(
        RegistryClient registry,
        IOptions<WorkerOptions> options,
        TimeProvider time,
        WorkerTelemetry telemetry,
        ILogger<ModelRepository> logger)
    {
        _registry = registry;
        _artifacts = new ArtifactCache(options, registry);
        _options = options.Value;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
        _versions = new VersionedModelCache(_options.MaxExtraVersions, model => CountLoaded(model.Name, -1));
    }

    /// <summary>
    /// A lease on the version that serves <paramref name="name"/>, loading it first if needed.
    /// Throws <see cref="ModelNotFoundException"/>, <see cref="RegistryUnavailableException"/> or
    /// <see cref="ModelLoadException"/>.
    /// </summary>
    public async ValueTask<LoadedModel.Lease> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        var served = _names.GetOrAdd(name, static n => new ServedName(n));
        while (true)
        {
            var current = served.Current;
            if (current is null)
            {
                await RefreshAsync(served, force: false, cancellationToken);
                continue;
            }

            if (IsStale(served))
            {
                RefreshInBackground(served);
            }

            if (current.TryAcquire(out var lease))
            {
                return lease;
            }
        }
    }

    /// <summary>
    /// A lease on version <paramref name="version"/> of <paramref name="name"/>: the serving version when
    /// it is that one, else a version kept for explicit requests, loading it first if needed. Throws
    /// <see cref="ModelNotFoundException"/>, <see cref="RegistryUnavailableException"/> or
    /// <see cref="ModelLoadException"/>.
    /// </summary>
    public async ValueTask<LoadedModel.Lease> AcquireAsync(string name, int version, CancellationToken cancellationToken)
    {
        if (TryAcquireLoaded(name, version, out var lease))
        {
            return lease;
        }

        // Loads of explicit versions are rare: one at a time, and never the same one twice.
        await _versionGate.WaitAsync(cancellationToken);
        try
        {
            if (TryAcquireLoaded(name, version, out lease))
            {
                return lease;
            }

            var record = await _registry.GetVersionAsync(name, version, cancellationToken);
            if (record is null)
            {
                throw new ModelNotFoundException(await _registry.GetModelAsync(name, cancellationToken) is null
                    ? $"No model named '{name}' is registered."
                    : $"Model '{name}' has no version {version}.");
            }

            var path = await _artifacts.EnsureAsync(record, cancellationToken);
            return _versions.Add(Load(name, version, record.Sha256, path));
        }
        finally
        {
            _versionGate.Release();
        }
    }

    /// <summary>The versions loaded for explicit requests, most recently used first.</summary>
    public IReadOnlyList<(string Name, int Version)> ExplicitVersions => _versions.Entries;

    private bool TryAcquireLoaded(string name, int version, out LoadedModel.Lease lease)
    {
        if (_names.TryGetValue(name, out var served) && served.Current is { } current && current.Version == version && current.TryAcquire(out lease))
        {
            return true;
        }

        return _versions.TryAcquire(name, version, out lease);
    }

    /// <summary>The loaded version of a name, if any, without loading anything.</summary>
    public LoadedModel? Peek(string name) => _names.TryGetValue(name, out var served) ? served.Current : null;

    private bool IsStale(ServedName served) =>
        _time.GetTimestamp() - Volatile.Read(ref served.CheckedAt) > _options.RefreshInterval.TotalSeconds * _time.TimestampFrequency;

    private void RefreshInBackground(ServedName served)
    {
        if (served.Gate.CurrentCount == 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(served, force: false, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the version loaded before keeps serving.
                LogRefreshFailed(_logger, served.Name, ex.Message);
            }
        });
    }

    private async Task RefreshAsync(ServedName served, bool force, CancellationToken cancellationToken)
    {
        await served.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!force && served.Current is not null && !IsStale(served))
            {
                return;
            }

            var model = await _registry.GetModelAsync(served.Name, cancellationToken);
            if (model is null)
            {
                // Unknown names are not remembered, so random names cannot grow the table.
                Swap(served, null);
                _names.TryRemove(new KeyValuePair<string, ServedName>(served.Name, served));
                throw new ModelNotFoundException($"No model named '{served.Name}' is registered.");
            }

            var version = ServingVersion.Resolve(model)
                ?? throw new ModelNotFoundException($"Model '{served.Name}' has no versions yet: upload one to the registry.");
            if (served.Current?.Version == version)
            {
                Volatile.Write(ref served.CheckedAt, _time.GetTimestamp());
                return;
            }

            // A version already loaded for explicit requests is promoted rather than loaded twice.
            if (_versions.TryTake(served.Name, version) is { } explicitlyLoaded)
            {
                Swap(served, explicitlyLoaded);
                return;
            }

            var record = await _registry.GetVersionAsync(served.Name, version, cancellationToken)
                ?? throw new ModelNotFoundException($"Model '{served.Name}' version {version} is gone from the registry.");
            var path = await _artifacts.EnsureAsync(record, cancellationToken);
            Swap(served, Load(served.Name, version, record.Sha256, path));
        }
        finally
        {
            served.Gate.Release();
        }
    }

    private LoadedModel Load(string name, int version, string sha256, string path)
    {
        using var activity = WorkerTelemetry.ActivitySource.StartActivity("load model");
        activity?.SetTag("maestro.model", name);
        activity?.SetTag("maestro.model_version", version);
        var started = _time.GetTimestamp();
        try
        {
            using var sessionOptions = CreateSessionOptions();
            var loaded = new LoadedModel(name, version, sha256, new InferenceSession(path, sessionOptions));
            CountLoaded(name, +1);
            _telemetry.ModelLoadDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("model", name));
            LogLoaded(_logger, name, version, sha256);
            return loaded;
        }
        catch (OnnxRuntimeException ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw new ModelLoadException($"Model '{name}' version {version} could not be loaded by this worker: {ex.Message}", ex);
        }
    }

    private void Swap(ServedName served, LoadedModel? next)
    {
        Volatile.Write(ref served.CheckedAt, _time.GetTimestamp());
        var previous = Interlocked.Exchange(ref served.Current, next);
        if (previous is not null)
        {
            previous.Retire();
            CountLoaded(served.Name, -1);
        }
    }

    private void CountLoaded(string name, int change) =>
        _telemetry.LoadedModels.Add(change, new KeyValuePair<string, object?>("model", name));

    private SessionOptions CreateSessionOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = _options.IntraOpThreads,
        InterOpNumThreads = 1,
    };

    public void Dispose()
    {
        foreach (var served in _names.Values)
        {
            Swap(served, null);
        }

        _versions.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} version {Version} (sha256 {Sha256}).")]
    private static partial void LogLoaded(ILogger logger, string model, int version, string sha256);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {Model}; still serving the version loaded before: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string model, string reason);

    /// <summary>What the worker knows about one model name.</summary>
    private sealed class ServedName(string name)
    {
        public readonly string Name = name;
        public readonly SemaphoreSlim Gate = new(1, 1);
        public LoadedModel? Current;
        public long CheckedAt; // TimeProvider timestamp of the last answer from the registry
    }
}
