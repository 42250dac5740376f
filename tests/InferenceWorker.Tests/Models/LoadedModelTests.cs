using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;

namespace Maestro.InferenceWorker.Tests.Models;

public sealed class LoadedModelTests
{
    private static readonly double[] Row = [1.0, 0.0, 1.0];
    private const double RowConfidence = 0.8455348; // expected.json: fraud-detector, [1, 0, 1]

    [Fact]
    public void TryAcquire_LiveModel_ReturnsLeaseThatRuns()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        Assert.True(model.TryAcquire(out var lease));
        using (lease)
        {
            Assert.Same(model, lease.Model);
            Assert.Equal(RowConfidence, Predictor.Predict(lease.Model, [Row])[0].Probability, 1e-5);
        }

        model.Retire();
    }

    [Fact]
    public void Retire_WhileLeaseHeld_KeepsSessionUsableUntilLeaseDisposed()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");
        Assert.True(model.TryAcquire(out var lease));

        model.Retire();

        Assert.False(model.IsDisposed);
        Assert.Equal(RowConfidence, Predictor.Predict(lease.Model, [Row])[0].Probability, 1e-5);
        lease.Dispose();
        Assert.True(model.IsDisposed);
    }

    [Fact]
    public void Retire_WithSeveralLeases_DisposesOnlyAfterTheLast()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");
        Assert.True(model.TryAcquire(out var first));
        Assert.True(model.TryAcquire(out var second));

        model.Retire();
        first.Dispose();

        Assert.False(model.IsDisposed);
        Assert.Equal(RowConfidence, Predictor.Predict(second.Model, [Row])[0].Probability, 1e-5);
        second.Dispose();
        Assert.True(model.IsDisposed);
    }

    [Fact]
    public void TryAcquire_AfterLastReferenceGone_ReturnsFalse()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");
        Assert.True(model.TryAcquire(out var lease));
        model.Retire();
        lease.Dispose();

        Assert.False(model.TryAcquire(out var late));
        Assert.Null(late.Model);
    }

    [Fact]
    public void Retire_Idle_DisposesAtOnce()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        model.Retire();

        Assert.True(model.IsDisposed);
        Assert.False(model.TryAcquire(out _));
    }

    [Fact]
    public async Task TryAcquire_ConcurrentWithRetire_EveryLeaseRunsAndSessionIsDisposedOnce()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");
        using var start = new Barrier(5);
        var runs = 0;
        var refused = 0;

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 200; i++)
            {
                if (!model.TryAcquire(out var lease))
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                using (lease)
                {
                    Assert.Equal(RowConfidence, Predictor.Predict(lease.Model, [Row])[0].Probability, 1e-5);
                    Interlocked.Increment(ref runs);
                }
            }
        })).ToArray();
        start.SignalAndWait();
        model.Retire();
        await Task.WhenAll(workers);

        Assert.Equal(800, runs + refused);
        Assert.True(model.IsDisposed);
    }
}
