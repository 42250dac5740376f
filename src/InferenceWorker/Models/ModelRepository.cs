using System.Collections.Concurrent;
using Maestro.InferenceWorker.Extensions;
using Maestro.InferenceWorker.Registry;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Answers "which session serves this name" on the hot path without calling the registry. The answer
/// is cached and re-asked when the registry's change feed names the model (<see cref="RegistryChangeFeed"/>
/// calls <see cref="OnChangedAsync"/>); with a registry that has no change feed
/// (<see cref="FollowsChangeFeed"/> off), an answer older than <see cref="WorkerOptions.RefreshInterval"/>
/// is re-asked in the background while requests keep using the current version. A new serving version
/// is downloaded, loaded, warmed up and swapped in atomically; the old one is retired and disposed when
/// its last request finishes. Versions asked for by number that do not serve their name are loaded on
/// demand through the same artifact cache and kept in a small <see cref="VersionedModelCache"/>. Loaded
/// models share a memory budget (<see cref="WorkerOptions.MemoryBudgetMB"/>): before a load that would
/// exceed it, the least recently used models that no request holds are unloaded.
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
    private readonly Lock _budgetGate = new();
    private readonly CancellationTokenSource _disposing = new(); // ends background refreshes at shutdown
    private volatile bool _followsChangeFeed;

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
    /// Whether the registry's change feed drives refreshes; while it does, serving versions are not
    /// re-asked on a timer. Set by <see cref="RegistryChangeFeed"/>.
    /// </summary>
    public bool FollowsChangeFeed
    {
        get => _followsChangeFeed;
        set => _followsChangeFeed = value;
    }

    /// <summary>Every model version loaded now: the serving ones and those kept for explicit requests.</summary>
    public IReadOnlyList<LoadedModel> Loaded =>
        [.. _names.Values.Select(served => served.Current).OfType<LoadedModel>(), .. _versions.Models];

    /// <summary>
    /// The registry changed something about <paramref name="name"/>: if it is loaded, ask again which
    /// version serves it and swap when that changed. A model deleted from the registry is unloaded.
    /// Throws <see cref="RegistryUnavailableException"/> so the caller can try again later.
    /// </summary>
    public async Task OnChangedAsync(string name, CancellationToken cancellationToken)
    {
        if (!_names.TryGetValue(name, out var served))
        {
            return;
        }

        try
        {
            await RefreshAsync(served, force: true, cancellationToken);
        }
        catch (ModelNotFoundException ex)
        {
            LogUnloadedGone(_logger, name, ex.Message);
        }
        catch (ModelLoadException ex)
        {
            LogRefreshFailed(_logger, name, ex.Message);
        }
    }

    /// <summary>
    /// Loads the version that serves <paramref name="name"/> now, asking the registry even when one is
    /// loaded (Triton's explicit load). Throws as <see cref="AcquireAsync(string, CancellationToken)"/>.
    /// </summary>
    public async Task<LoadedModel> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var served = _names.GetOrAdd(name, static n => new ServedName(n));
        await RefreshAsync(served, force: true, cancellationToken);
        return served.Current ?? throw new ModelNotFoundException($"No model named '{name}' is registered.");
    }

    /// <summary>
    /// Unloads every version of <paramref name="name"/> (requests in flight finish first); the next
    /// request for it loads it again. Returns how many versions were loaded.
    /// </summary>
    public int Unload(string name)
    {
        var unloaded = 0;
        if (_names.TryRemove(name, out var served))
        {
            unloaded += Swap(served, null) ? 1 : 0;
        }

        foreach (var model in _versions.Models.Where(m => string.Equals(m.Name, name, StringComparison.Ordinal)))
        {
            unloaded += RetireExplicit(model) ? 1 : 0;
        }

        return unloaded;
    }

    /// <summary>
    /// A lease on the version that serves <paramref name="name"/>, loading it first if needed.
    /// Throws <see cref="ModelNotFoundException"/>, <see cref="RegistryUnavailableException"/> or
    /// <see cref="ModelLoadException"/>.
    /// </summary>
    public async ValueTask<LoadedModel.Lease> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Looked up each time round: an unload or eviction replaces the entry.
            var served = _names.GetOrAdd(name, static n => new ServedName(n));
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

            var model = await _registry.GetModelAsync(name, cancellationToken);
            var path = await _artifacts.EnsureAsync(record, cancellationToken);
            return _versions.Add(Load(model, record, path, replacing: null));
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
        !_followsChangeFeed && _time.GetTimestamp() - Volatile.Read(ref served.CheckedAt) > _options.RefreshInterval.TotalSeconds * _time.TimestampFrequency;

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
                await RefreshAsync(served, force: false, _disposing.Token);
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

            if (ServingVersion.Resolve(model) is not { } version)
            {
                Swap(served, null);
                _names.TryRemove(new KeyValuePair<string, ServedName>(served.Name, served));
                throw new ModelNotFoundException($"Model '{served.Name}' has no versions yet: upload one to the registry.");
            }

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
            Swap(served, Load(model, record, path, replacing: served.Current));
            if (!_names.TryGetValue(served.Name, out var still) || still != served)
            {
                // Unloaded while this load ran: the version just loaded must not outlive its name.
                Swap(served, null);
            }
        }
        finally
        {
            served.Gate.Release();
        }
    }

    /// <param name="replacing">The version the new one replaces, which leaves with it and is not evicted first.</param>
    private LoadedModel Load(RegistryModel? model, RegistryModelVersion record, string path, LoadedModel? replacing)
    {
        var (name, version) = (record.Name, record.Version);
        using var activity = WorkerTelemetry.ActivitySource.StartActivity("load model");
        activity?.SetTag("maestro.model", name);
        activity?.SetTag("maestro.model_version", version);
        var size = new FileInfo(path).Length;
        MakeRoom(size, replacing);
        var started = _time.GetTimestamp();
        try
        {
            using var sessionOptions = CreateSessionOptions();
            var session = new InferenceSession(path, sessionOptions);
            if (ModelWarmup.TryRun(session) is { } warmupFailure)
            {
                LogWarmupFailed(_logger, name, version, warmupFailure);
            }

            var loaded = new LoadedModel(name, version, record.Sha256, session, size, MergeTags(model?.Tags, record.Tags));
            CountLoaded(name, +1);
            _telemetry.ModelLoadDuration.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("model", name));
            LogLoaded(_logger, name, version, record.Sha256);
            return loaded;
        }
        catch (OnnxRuntimeException ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw new ModelLoadException($"Model '{name}' version {version} could not be loaded by this worker: {ex.Message}", ex);
        }
    }

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

    /// <summary>
    /// Unloads the least recently used models that no request holds until <paramref name="incoming"/>
    /// more bytes fit in the budget. When what is left is all in use, the load goes ahead over budget.
    /// </summary>
    private void MakeRoom(long incoming, LoadedModel? replacing)
    {
        var budget = _options.MemoryBudgetMB * 1024L * 1024L;
        if (budget <= 0)
        {
            return;
        }

        lock (_budgetGate)
        {
            var loaded = Loaded.Where(m => m != replacing).ToArray();
            var used = loaded.Sum(m => m.EstimatedBytes);
            foreach (var victim in loaded.Where(m => !m.InFlight).OrderBy(m => m.LastUsed))
            {
                if (used + incoming <= budget)
                {
                    return;
                }

                if (Evict(victim))
                {
                    used -= victim.EstimatedBytes;
                    LogEvicted(_logger, victim.Name, victim.Version, _options.MemoryBudgetMB);
                }
            }

            if (used + incoming > budget)
            {
                LogOverBudget(_logger, used + incoming, _options.MemoryBudgetMB);
            }
        }
    }

    /// <summary>Unloads <paramref name="model"/> from wherever it is held; its name loads again on its next request.</summary>
    private bool Evict(LoadedModel model)
    {
        if (_names.TryGetValue(model.Name, out var served) && served.Current == model)
        {
            _names.TryRemove(new KeyValuePair<string, ServedName>(model.Name, served));
            return Swap(served, null);
        }

        return RetireExplicit(model);
    }

    private bool RetireExplicit(LoadedModel model)
    {
        if (_versions.TryTake(model.Name, model.Version) is not { } taken)
        {
            return false;
        }

        taken.Retire();
        CountLoaded(taken.Name, -1);
        return true;
    }

    /// <summary>Makes <paramref name="next"/> serve the name; returns whether a version was retired.</summary>
    private bool Swap(ServedName served, LoadedModel? next)
    {
        Volatile.Write(ref served.CheckedAt, _time.GetTimestamp());
        var previous = Interlocked.Exchange(ref served.Current, next);
        if (previous is null)
        {
            return false;
        }

        previous.Retire();
        CountLoaded(served.Name, -1);
        return true;
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
        _disposing.Cancel();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Model}: {Reason}")]
    private static partial void LogUnloadedGone(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of {Model} version {Version} failed; it serves anyway: {Reason}")]
    private static partial void LogWarmupFailed(ILogger logger, string model, int version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Model} version {Version}, the least recently used, to stay within Worker:MemoryBudgetMB = {BudgetMB}.")]
    private static partial void LogEvicted(ILogger logger, string model, int version, int budgetMB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loaded models need about {Bytes} bytes, over Worker:MemoryBudgetMB = {BudgetMB}: every other model is in use.")]
    private static partial void LogOverBudget(ILogger logger, long bytes, int budgetMB);

    /// <summary>What the worker knows about one model name.</summary>
    private sealed class ServedName(string name)
    {
        public readonly string Name = name;
        public readonly SemaphoreSlim Gate = new(1, 1);
        public LoadedModel? Current;
        public long CheckedAt; // TimeProvider timestamp of the last answer from the registry
    }
}
