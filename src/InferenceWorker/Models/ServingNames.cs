using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// The name lookup: which loaded version serves each model name (a <see cref="ServedName"/> per name),
/// and whether that answer is too old to trust. Swaps are atomic; a version swapped out is retired
/// through the <see cref="ModelLoader"/> and disposed when its last request finishes. Only names the
/// registry knows are kept, so random names cannot grow the table.
/// </summary>
internal sealed class ServingNames(ModelLoader loader, IOptions<WorkerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ServedName> _names = new(StringComparer.Ordinal);
    private readonly long _refreshTicks = (long)(options.Value.RefreshInterval.TotalSeconds * time.TimestampFrequency);
    private volatile bool _followsChangeFeed;

    /// <summary>Whether the registry's change feed says when to re-ask; while it does, answers never go stale.</summary>
    public bool FollowsChangeFeed
    {
        get => _followsChangeFeed;
        set => _followsChangeFeed = value;
    }

    /// <summary>The versions serving their names now.</summary>
    public IEnumerable<LoadedModel> Serving => _names.Values.Select(served => served.Current).OfType<LoadedModel>();

    /// <summary>The entry of <paramref name="name"/>, added (with no version yet) when there is none.</summary>
    public ServedName GetOrAdd(string name) => _names.GetOrAdd(name, static n => new ServedName(n));

    public bool TryGet(string name, out ServedName served) => _names.TryGetValue(name, out served!);

    /// <summary>Whether <paramref name="served"/> is still the entry of its name (an unload or eviction replaces it).</summary>
    public bool IsListed(ServedName served) => _names.TryGetValue(served.Name, out var listed) && listed == served;

    /// <summary>Whether the registry was last asked about the name longer ago than <see cref="WorkerOptions.RefreshInterval"/>.</summary>
    public bool IsStale(ServedName served) =>
        !_followsChangeFeed && time.GetTimestamp() - Volatile.Read(ref served.CheckedAt) > _refreshTicks;

    /// <summary>The registry confirmed the version serving the name.</summary>
    public void Confirmed(ServedName served) => Volatile.Write(ref served.CheckedAt, time.GetTimestamp());

    /// <summary>Makes <paramref name="next"/> serve the name; returns whether a version was retired.</summary>
    public bool Swap(ServedName served, LoadedModel? next)
    {
        Confirmed(served);
        var previous = Interlocked.Exchange(ref served.Current, next);
        if (previous is null)
        {
            return false;
        }

        loader.Retire(previous);
        return true;
    }

    /// <summary>Drops the name (if this is still its entry) and unloads its version; returns whether a version was retired.</summary>
    public bool Forget(ServedName served)
    {
        _names.TryRemove(new KeyValuePair<string, ServedName>(served.Name, served));
        return Swap(served, null);
    }

    /// <summary>Drops the name, whatever entry it has, and unloads its version; returns whether one was loaded.</summary>
    public bool Remove(string name) => _names.TryRemove(name, out var served) && Swap(served, null);

    /// <summary>Unloads every version (at shutdown).</summary>
    public void Clear()
    {
        foreach (var served in _names.Values)
        {
            Swap(served, null);
        }
    }
}
