using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// One model version loaded in ONNX Runtime. Requests hold a <see cref="Lease"/> while they run; when
/// a newer version replaces this one it is retired, and the session is disposed once the last lease
/// is returned — requests in flight finish on the version they started with.
/// </summary>
internal sealed class LoadedModel
{
    private readonly InferenceSession _session;

    // One reference belongs to the repository until Retire(); each lease adds one.
    private int _references = 1;
    private long _lastUsed = Stopwatch.GetTimestamp();

    /// <param name="estimatedBytes">What the model is reckoned to hold in memory, for the memory budget.</param>
    /// <param name="tags">The registry's tags for this version: the model's, overridden by the version's.</param>
    public LoadedModel(
        string name, int version, string sha256, InferenceSession session, long estimatedBytes = 0, IReadOnlyDictionary<string, string>? tags = null)
    {
        Name = name;
        Version = version;
        Sha256 = sha256;
        EstimatedBytes = estimatedBytes;
        Tags = tags ?? new Dictionary<string, string>();
        _session = session;
        InputNames = session.InputNames.ToArray();
        OutputNames = session.OutputNames.ToArray();
    }

    public string Name { get; }

    public int Version { get; }

    public string Sha256 { get; }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    public InferenceSession Session => _session;

    public long EstimatedBytes { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Whether a request holds a lease on the model right now.</summary>
    public bool InFlight => Volatile.Read(ref _references) > 1;

    /// <summary>When a lease was last taken (<see cref="Stopwatch"/> timestamp), for least-recently-used eviction.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Takes a lease, or returns <c>false</c> when the model is already disposed.</summary>
    public bool TryAcquire(out Lease lease)
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                Volatile.Write(ref _lastUsed, Stopwatch.GetTimestamp());
                lease = new Lease(this);
                return true;
            }

            current = seen;
        }

        lease = default;
        return false;
    }

    /// <summary>Gives up the repository's reference: disposed now if idle, else when the last lease ends.</summary>
    public void Retire() => Release();

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _session.Dispose();
        }
    }

    /// <summary>A request's hold on a model; dispose it when the request is done.</summary>
    public readonly struct Lease(LoadedModel model) : IDisposable
    {
        public LoadedModel Model { get; } = model;

        public void Dispose() => Model?.Release();
    }
}
