using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;

namespace Maestro.InferenceWorker.Tests.Models;

public sealed class VersionedModelCacheTests
{
    private static readonly double[] Row = [1.0, 0.0, 1.0];
    private const double RowConfidence = 0.8455348; // expected.json: fraud-detector, [1, 0, 1]

    [Fact]
    public void TryAcquire_NotCached_ReturnsFalse()
    {
        using var cache = new VersionedModelCache(2);

        Assert.False(cache.TryAcquire("fraud-detector", 1, out var lease));
        Assert.Null(lease.Model);
    }

    [Fact]
    public void Add_NewVersion_ReturnsLeaseAndKeepsItForLaterRequests()
    {
        using var cache = new VersionedModelCache(2);
        var model = SampleSessions.Load("fraud-detector.onnx", version: 3);

        using (var lease = cache.Add(model))
        {
            Assert.Same(model, lease.Model);
        }

        Assert.True(cache.TryAcquire("fraud-detector", 3, out var again));
        using (again)
        {
            Assert.Same(model, again.Model);
            Assert.Equal(RowConfidence, Predictor.Predict(again.Model, [Row])[0].Probability, 1e-5);
        }

        Assert.False(model.IsDisposed);
    }

    [Fact]
    public void Add_BeyondCapacity_RetiresLeastRecentlyUsed()
    {
        var retired = new List<int>();
        using var cache = new VersionedModelCache(2, model => retired.Add(model.Version));
        var models = Enumerable.Range(1, 3).Select(v => SampleSessions.Load("fraud-detector.onnx", v)).ToArray();
        cache.Add(models[0]).Dispose();
        cache.Add(models[1]).Dispose();
        Assert.True(cache.TryAcquire("fraud-detector", 1, out var touch)); // version 1 becomes the most recently used
        touch.Dispose();

        cache.Add(models[2]).Dispose();

        Assert.Equal([("fraud-detector", 3), ("fraud-detector", 1)], cache.Entries);
        Assert.Equal([2], retired);
        Assert.True(models[1].IsDisposed);
        Assert.False(models[0].IsDisposed);
        Assert.False(cache.TryAcquire("fraud-detector", 2, out _));
    }

    [Fact]
    public void Add_EvictingVersionWithLeaseInFlight_DisposesItOnlyWhenTheLeaseEnds()
    {
        using var cache = new VersionedModelCache(1);
        var old = SampleSessions.Load("fraud-detector.onnx", 1);
        var inFlight = cache.Add(old);

        cache.Add(SampleSessions.Load("fraud-detector.onnx", 2)).Dispose();

        Assert.False(old.IsDisposed);
        Assert.Equal(RowConfidence, Predictor.Predict(inFlight.Model, [Row])[0].Probability, 1e-5);
        inFlight.Dispose();
        Assert.True(old.IsDisposed);
    }

    [Fact]
    public void Add_VersionAlreadyCached_KeepsTheCachedOneAndRetiresTheNewcomer()
    {
        var retired = new List<LoadedModel>();
        using var cache = new VersionedModelCache(2, retired.Add);
        var first = SampleSessions.Load("fraud-detector.onnx", 1);
        var second = SampleSessions.Load("fraud-detector.onnx", 1);
        cache.Add(first).Dispose();

        using var lease = cache.Add(second);

        Assert.Same(first, lease.Model);
        Assert.True(second.IsDisposed);
        Assert.Same(second, Assert.Single(retired));
        Assert.Equal([("fraud-detector", 1)], cache.Entries);
    }

    [Fact]
    public void Add_CapacityZero_VersionLivesOnlyAsLongAsItsLease()
    {
        using var cache = new VersionedModelCache(0);
        var model = SampleSessions.Load("fraud-detector.onnx", 1);

        var lease = cache.Add(model);

        Assert.Empty(cache.Entries);
        Assert.Equal(RowConfidence, Predictor.Predict(lease.Model, [Row])[0].Probability, 1e-5);
        lease.Dispose();
        Assert.True(model.IsDisposed);
    }

    [Fact]
    public void TryTake_CachedVersion_RemovesItWithoutRetiring()
    {
        var retired = new List<LoadedModel>();
        using var cache = new VersionedModelCache(2, retired.Add);
        var model = SampleSessions.Load("fraud-detector.onnx", 1);
        cache.Add(model).Dispose();

        var taken = cache.TryTake("fraud-detector", 1);

        Assert.Same(model, taken);
        Assert.Empty(cache.Entries);
        Assert.Empty(retired);
        Assert.False(model.IsDisposed);
        Assert.Null(cache.TryTake("fraud-detector", 1));
        model.Retire();
    }

    [Fact]
    public void Dispose_WithVersionsCached_RetiresEveryOne()
    {
        var cache = new VersionedModelCache(4);
        var models = Enumerable.Range(1, 3).Select(v => SampleSessions.Load("fraud-detector.onnx", v)).ToArray();
        foreach (var model in models)
        {
            cache.Add(model).Dispose();
        }

        cache.Dispose();

        Assert.All(models, model => Assert.True(model.IsDisposed));
        Assert.Empty(cache.Entries);
    }

    [Fact]
    public async Task TryAcquire_ConcurrentWithEvictions_EveryLeaseRuns()
    {
        using var cache = new VersionedModelCache(1);
        var models = Enumerable.Range(1, 20).Select(v => SampleSessions.Load("fraud-detector.onnx", v)).ToArray();
        cache.Add(models[0]).Dispose();
        var runs = 0;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                if (cache.TryAcquire("fraud-detector", (i % models.Length) + 1, out var lease))
                {
                    using (lease)
                    {
                        Assert.Equal(RowConfidence, Predictor.Predict(lease.Model, [Row])[0].Probability, 1e-5);
                        Interlocked.Increment(ref runs);
                    }
                }
            }
        })).ToArray();
        foreach (var model in models.Skip(1))
        {
            cache.Add(model).Dispose();
        }

        await Task.WhenAll(readers);

        Assert.All(models.SkipLast(1), model => Assert.True(model.IsDisposed));
        Assert.False(models[^1].IsDisposed);
    }
}
