namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Model versions loaded because a request named them (<c>/v2/models/{name}/versions/{version}/…</c>)
/// rather than because they serve their name. At most <c>capacity</c> are kept; the least recently
/// used is evicted first and retired, so requests still holding a lease on it finish before its
/// session is disposed.
/// </summary>
internal sealed class VersionedModelCache(int capacity, Action<LoadedModel>? onRetired = null) : IDisposable
{
    // Most recently used first; a handful of entries, so a list under a lock beats anything cleverer.
    private readonly List<LoadedModel> _models = [];
    private bool _disposed;

    public int Capacity { get; } = capacity;

    /// <summary>The versions held, most recently used first.</summary>
    public IReadOnlyList<(string Name, int Version)> Entries
    {
        get
        {
            lock (_models)
            {
                return _models.Select(m => (m.Name, m.Version)).ToArray();
            }
        }
    }

    /// <summary>The models held, most recently used first.</summary>
    public IReadOnlyList<LoadedModel> Models
    {
        get
        {
            lock (_models)
            {
                return [.. _models];
            }
        }
    }

    /// <summary>A lease on the cached version, which becomes the most recently used; <c>false</c> when not cached.</summary>
    public bool TryAcquire(string name, int version, out LoadedModel.Lease lease)
    {
        lock (_models)
        {
            var index = IndexOf(name, version);
            if (index >= 0 && _models[index].TryAcquire(out lease))
            {
                MoveToFront(index);
                return true;
            }
        }

        lease = default;
        return false;
    }

    /// <summary>
    /// Adds a freshly loaded version (the cache takes over its reference) and returns a lease on it, or
    /// on the copy already cached, in which case <paramref name="model"/> is retired. Versions beyond
    /// the capacity are evicted — with a capacity of 0 the version lives only as long as the lease.
    /// </summary>
    public LoadedModel.Lease Add(LoadedModel model)
    {
        List<LoadedModel> retired = [];
        LoadedModel.Lease lease;
        lock (_models)
        {
            var index = IndexOf(model.Name, model.Version);
            if (index >= 0 && _models[index].TryAcquire(out lease))
            {
                MoveToFront(index);
                retired.Add(model);
            }
            else
            {
                if (!model.TryAcquire(out lease))
                {
                    throw new ObjectDisposedException($"{model.Name} version {model.Version}");
                }

                if (index >= 0)
                {
                    _models.RemoveAt(index);
                }

                if (_disposed)
                {
                    retired.Add(model);
                }
                else
                {
                    _models.Insert(0, model);
                }

                while (_models.Count > Capacity)
                {
                    retired.Add(_models[^1]);
                    _models.RemoveAt(_models.Count - 1);
                }
            }
        }

        Retire(retired);
        return lease;
    }

    /// <summary>Removes a version without retiring it: the caller takes over its reference.</summary>
    public LoadedModel? TryTake(string name, int version)
    {
        lock (_models)
        {
            var index = IndexOf(name, version);
            if (index < 0)
            {
                return null;
            }

            var model = _models[index];
            _models.RemoveAt(index);
            return model;
        }
    }

    public void Dispose()
    {
        LoadedModel[] all;
        lock (_models)
        {
            _disposed = true;
            all = [.. _models];
            _models.Clear();
        }

        Retire(all);
    }

    private int IndexOf(string name, int version) =>
        _models.FindIndex(m => m.Version == version && string.Equals(m.Name, name, StringComparison.Ordinal));

    private void MoveToFront(int index)
    {
        var model = _models[index];
        _models.RemoveAt(index);
        _models.Insert(0, model);
    }

    private void Retire(IEnumerable<LoadedModel> models)
    {
        foreach (var model in models)
        {
            model.Retire();
            onRetired?.Invoke(model);
        }
    }
}
