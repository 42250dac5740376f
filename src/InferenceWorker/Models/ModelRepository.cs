using Maestro.InferenceWorker.Registry;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Answers "which session serves this name" on the hot path without calling the registry. The answer
/// (<see cref="ServingNames"/>, the name lookup) is cached and re-asked when the registry's change feed names
/// the model (<see cref="RegistryChangeFeed"/> calls <see cref="OnChangedAsync"/>); with a registry that
/// has no change feed (<see cref="FollowsChangeFeed"/> off), an answer older than
/// <see cref="WorkerOptions.RefreshInterval"/> is re-asked in the background while requests keep using
/// the current version. A new serving version is downloaded (<see cref="ArtifactCache"/>), made room
/// for (<see cref="MemoryBudget"/>), loaded and warmed up (<see cref="ModelLoader"/>) and swapped in
/// atomically; the old one is retired and disposed when its last request finishes. Versions asked for
/// by number that do not serve their name are loaded the same way and kept in a small
/// <see cref="VersionedModelCache"/>.
/// </summary>
internal sealed partial class ModelRepository(
    RegistryClient registry,
    ArtifactCache artifacts,
    ModelLoader loader,
    MemoryBudget budget,
    ServingNames names,
    IOptions<WorkerOptions> options,
    ILogger<ModelRepository> logger) : IDisposable
{
    private readonly VersionedModelCache _versions = new(options.Value.MaxExtraVersions, loader.Retired);
    private readonly SemaphoreSlim _versionGate = new(1, 1);
    private readonly CancellationTokenSource _disposing = new(); // ends background refreshes at shutdown

    /// <summary>
    /// Whether the registry's change feed drives refreshes; while it does, serving versions are not
    /// re-asked on a timer. Set by <see cref="RegistryChangeFeed"/>.
    /// </summary>
    public bool FollowsChangeFeed { get => names.FollowsChangeFeed; set => names.FollowsChangeFeed = value; }

    /// <summary>Every model version loaded now: the serving ones and those kept for explicit requests.</summary>
    public IReadOnlyList<LoadedModel> Loaded => [.. names.Serving, .. _versions.Models];

    /// <summary>The versions loaded for explicit requests, most recently used first.</summary>
    public IReadOnlyList<(string Name, int Version)> ExplicitVersions => _versions.Entries;

    /// <summary>The loaded version of a name, if any, without loading anything.</summary>
    public LoadedModel? Peek(string name) => names.TryGet(name, out var served) ? served.Current : null;

    /// <summary>
    /// The registry changed something about <paramref name="name"/>: if it is loaded, ask again which
    /// version serves it and swap when that changed. A model deleted from the registry is unloaded.
    /// Throws <see cref="RegistryUnavailableException"/> so the caller can try again later.
    /// </summary>
    public async Task OnChangedAsync(string name, CancellationToken cancellationToken)
    {
        if (!names.TryGet(name, out var served))
        {
            return;
        }

        try
        {
            await RefreshAsync(served, force: true, cancellationToken);
        }
        catch (ModelNotFoundException ex)
        {
            LogUnloadedGone(logger, name, ex.Message);
        }
        catch (ModelLoadException ex)
        {
            LogRefreshFailed(logger, name, ex.Message);
        }
    }

    /// <summary>
    /// Loads the version that serves <paramref name="name"/> now, asking the registry even when one is
    /// loaded (Triton's explicit load). Throws as <see cref="AcquireAsync(string, CancellationToken)"/>.
    /// </summary>
    public async Task<LoadedModel> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var served = names.GetOrAdd(name);
        await RefreshAsync(served, force: true, cancellationToken);
        return served.Current ?? throw new ModelNotFoundException($"No model named '{name}' is registered.");
    }

    /// <summary>
    /// Unloads every version of <paramref name="name"/> (requests in flight finish first); the next
    /// request for it loads it again. Returns how many versions were loaded.
    /// </summary>
    public int Unload(string name)
    {
        var unloaded = names.Remove(name) ? 1 : 0;

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
            var served = names.GetOrAdd(name);
            var current = served.Current;
            if (current is null)
            {
                await RefreshAsync(served, force: false, cancellationToken);
                continue;
            }

            if (names.IsStale(served))
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

            var record = await registry.GetVersionAsync(name, version, cancellationToken);
            if (record is null)
            {
                throw new ModelNotFoundException(await registry.GetModelAsync(name, cancellationToken) is null
                    ? $"No model named '{name}' is registered."
                    : $"Model '{name}' has no version {version}.");
            }

            var model = await registry.GetModelAsync(name, cancellationToken);
            return _versions.Add(await LoadVersionAsync(model, record, replacing: null, cancellationToken));
        }
        finally
        {
            _versionGate.Release();
        }
    }

    private bool TryAcquireLoaded(string name, int version, out LoadedModel.Lease lease)
    {
        if (names.TryGet(name, out var served) && served.Current is { } current && current.Version == version && current.TryAcquire(out lease))
        {
            return true;
        }

        return _versions.TryAcquire(name, version, out lease);
    }

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
                LogRefreshFailed(logger, served.Name, ex.Message);
            }
        });
    }

    private async Task RefreshAsync(ServedName served, bool force, CancellationToken cancellationToken)
    {
        await served.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!force && served.Current is not null && !names.IsStale(served))
            {
                return;
            }

            var model = await registry.GetModelAsync(served.Name, cancellationToken);
            if (model is null)
            {
                // Unknown names are not remembered, so random names cannot grow the table.
                names.Forget(served);
                throw new ModelNotFoundException($"No model named '{served.Name}' is registered.");
            }

            if (ServingVersion.Resolve(model) is not { } version)
            {
                names.Forget(served);
                throw new ModelNotFoundException($"Model '{served.Name}' has no versions yet: upload one to the registry.");
            }

            if (served.Current?.Version == version)
            {
                names.Confirmed(served);
                return;
            }

            // A version already loaded for explicit requests is promoted rather than loaded twice.
            if (_versions.TryTake(served.Name, version) is { } explicitlyLoaded)
            {
                names.Swap(served, explicitlyLoaded);
                return;
            }

            var record = await registry.GetVersionAsync(served.Name, version, cancellationToken)
                ?? throw new ModelNotFoundException($"Model '{served.Name}' version {version} is gone from the registry.");
            names.Swap(served, await LoadVersionAsync(model, record, replacing: served.Current, cancellationToken));
            if (!names.IsListed(served))
            {
                // Unloaded while this load ran: the version just loaded must not outlive its name.
                names.Swap(served, null);
            }
        }
        finally
        {
            served.Gate.Release();
        }
    }

    /// <summary>Downloads the version's file, makes room for it within the memory budget and loads it.</summary>
    /// <param name="replacing">The version the new one replaces, which leaves with it and is not evicted first.</param>
    private async Task<LoadedModel> LoadVersionAsync(RegistryModel? model, RegistryModelVersion record, LoadedModel? replacing, CancellationToken cancellationToken)
    {
        var path = await artifacts.EnsureAsync(record, cancellationToken);
        budget.MakeRoom(new FileInfo(path).Length, () => Loaded, replacing, Evict);
        return loader.Load(model, record, path);
    }

    /// <summary>Unloads <paramref name="model"/> from wherever it is held; its name loads again on its next request.</summary>
    private bool Evict(LoadedModel model)
    {
        if (names.TryGet(model.Name, out var served) && served.Current == model)
        {
            return names.Forget(served);
        }

        return RetireExplicit(model);
    }

    private bool RetireExplicit(LoadedModel model)
    {
        if (_versions.TryTake(model.Name, model.Version) is not { } taken)
        {
            return false;
        }

        loader.Retire(taken);
        return true;
    }

    public void Dispose()
    {
        _disposing.Cancel();
        names.Clear();

        _versions.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {Model}; still serving the version loaded before: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Model}: {Reason}")]
    private static partial void LogUnloadedGone(ILogger logger, string model, string reason);
}
