using System.Collections.Concurrent;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.InferenceWorker.Tests.Batching;

/// <summary>
/// The batcher on the real ONNX Runtime with mlp.onnx ([batch, 16] → [batch, 2]). Its window runs on a
/// <see cref="FakeTimeProvider"/>: a group runs when it is full or when the test advances the clock
/// (and, with <see cref="BatchSettings.RunWhenIdle"/>, when the model is idle or its last run ends).
/// </summary>
public sealed class ModelBatcherTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly LoadedModel _model = SampleSessions.Load("mlp.onnx");
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<int> _batchSizes = new();

    public void Dispose() => _model.Retire();

    [Fact]
    public async Task SubmitAsync_FiftyConcurrentRequests_EachGetsTheAnswerForItsOwnRowAndRunsAreMerged()
    {
        var batcher = Create(maxBatchSize: 32);
        var rows = Enumerable.Range(0, 50).Select(Row).ToArray();

        var calls = rows.Select(row => Task.Run(() => batcher.SubmitAsync("Float:16", [row], CancellationToken.None))).ToArray();
        // The first 32 run as soon as they are queued; the other 18 wait for the window.
        await WaitUntil(() => _batchSizes.Count == 1 && batcher.QueuedRows == 50 - 32);
        _time.Advance(Window);
        var answers = await Task.WhenAll(calls);

        for (var i = 0; i < rows.Length; i++)
        {
            var alone = Predictor.Predict(_model, [rows[i]])[0];
            var answer = Assert.Single(answers[i]);
            Assert.Equal(alone.Prediction, answer.Prediction);
            Assert.Equal(alone.Probability, answer.Probability, 1e-6);
        }

        Assert.Equal(new[] { 18, 32 }, _batchSizes.Order());
    }

    [Fact]
    public async Task SubmitAsync_RequestsOfSeveralRows_NoRunExceedsMaxBatchSize()
    {
        var batcher = Create(maxBatchSize: 4);
        var requests = new[] { 3, 2, 1, 3, 1, 2, 2 }.Select((count, r) => Enumerable.Range(r * 10, count).Select(Row).ToArray()).ToArray();

        var calls = requests.Select(rows => batcher.SubmitAsync("Float:16", rows, CancellationToken.None)).ToArray();
        _time.Advance(Window);
        var answers = await Task.WhenAll(calls);

        Assert.All(_batchSizes, size => Assert.InRange(size, 1, 4));
        Assert.Equal(requests.Sum(r => r.Length), _batchSizes.Sum());
        for (var r = 0; r < requests.Length; r++)
        {
            Assert.Equal(requests[r].Length, answers[r].Length);
            for (var i = 0; i < requests[r].Length; i++)
            {
                Assert.Equal(Predictor.Predict(_model, [requests[r][i]])[0].Probability, answers[r][i].Probability, 1e-6);
            }
        }
    }

    [Fact]
    public async Task SubmitAsync_RequestAsLargeAsMaxBatchSize_RunsAloneAtOnce()
    {
        var batcher = Create(maxBatchSize: 4);
        var rows = Enumerable.Range(0, 6).Select(Row).ToArray();

        var answers = await batcher.SubmitAsync("Float:16", rows, CancellationToken.None);

        Assert.Equal(6, answers.Length);
        Assert.Equal(new[] { 6 }, _batchSizes);
    }

    [Fact]
    public async Task SubmitAsync_QueueFull_ThrowsBatchQueueFullExceptionAndQueuedRequestsStillRun()
    {
        var batcher = Create(maxBatchSize: 32, maxQueueLength: 3);
        var queued = Enumerable.Range(0, 3).Select(i => batcher.SubmitAsync("Float:16", [Row(i)], CancellationToken.None)).ToArray();

        await Assert.ThrowsAsync<BatchQueueFullException>(() => batcher.SubmitAsync("Float:16", [Row(3)], CancellationToken.None));
        _time.Advance(Window);

        Assert.All(await Task.WhenAll(queued), answer => Assert.Single(answer));
        Assert.Equal(new[] { 3 }, _batchSizes);
        Assert.Equal(0, batcher.QueuedRows);
    }

    [Fact]
    public async Task SubmitAsync_CancelledWhileQueued_IsCancelledAndTheOthersGetTheirAnswers()
    {
        var batcher = Create(maxBatchSize: 32);
        using var cancellation = new CancellationTokenSource();
        var first = batcher.SubmitAsync("Float:16", [Row(0)], CancellationToken.None);
        var cancelled = batcher.SubmitAsync("Float:16", [Row(1)], cancellation.Token);
        var last = batcher.SubmitAsync("Float:16", [Row(2)], CancellationToken.None);

        await cancellation.CancelAsync();
        Assert.Equal(2, batcher.QueuedRows);
        _time.Advance(Window);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(Predictor.Predict(_model, [Row(0)])[0].Probability, Assert.Single(await first).Probability, 1e-6);
        Assert.Equal(Predictor.Predict(_model, [Row(2)])[0].Probability, Assert.Single(await last).Probability, 1e-6);
        Assert.Equal(new[] { 2 }, _batchSizes);
    }

    [Fact]
    public async Task SubmitAsync_OnlyRequestCancelled_NothingRuns()
    {
        var batcher = Create(maxBatchSize: 32);
        using var cancellation = new CancellationTokenSource();
        var cancelled = batcher.SubmitAsync("Float:16", [Row(0)], cancellation.Token);

        await cancellation.CancelAsync();
        _time.Advance(Window);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Empty(_batchSizes);
        Assert.Equal(0, batcher.QueuedRows);
    }

    [Fact]
    public async Task SubmitAsync_DifferentSignatures_AreNeverMerged()
    {
        var batcher = Create(maxBatchSize: 32);
        var a = batcher.SubmitAsync("Float:16", [Row(0)], CancellationToken.None);
        var b = batcher.SubmitAsync("Float:16/other", [Row(1)], CancellationToken.None);
        var c = batcher.SubmitAsync("Float:16", [Row(2)], CancellationToken.None);

        _time.Advance(Window);
        await Task.WhenAll(a, b, c);

        Assert.Equal(new[] { 1, 2 }, _batchSizes.Order());
    }

    [Fact]
    public async Task SubmitAsync_RunFails_EveryCallerOfTheBatchSeesTheError()
    {
        var batcher = new ModelBatcher<double[], int>(
            new BatchSettings(true, 32, Window, 1024), _time, rows => throw new InvalidOperationException("boom"));
        var a = batcher.SubmitAsync("s", [Row(0)], CancellationToken.None);
        var b = batcher.SubmitAsync("s", [Row(1)], CancellationToken.None);

        _time.Advance(Window);

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => a)).Message);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => b)).Message);
    }

    [Fact]
    public async Task SubmitAsync_RunWhenIdleAndNothingElseQueued_RunsAtOnceWithoutTheWindow()
    {
        var batcher = Create(maxBatchSize: 32, runWhenIdle: true);

        // The window's clock never moves: the answer can only come from running at once.
        var answer = await batcher.SubmitAsync("Float:16", [Row(0)], CancellationToken.None);

        Assert.Equal(Predictor.Predict(_model, [Row(0)])[0].Probability, Assert.Single(answer).Probability, 1e-6);
        Assert.Equal(new[] { 1 }, _batchSizes);
        Assert.Equal(1, batcher.IdleRuns);
    }

    [Fact]
    public async Task SubmitAsync_RunWhenIdleAndRequestsArriveDuringARun_MergedWhenThatRunEnds()
    {
        using var firstRunMayEnd = new ManualResetEventSlim();
        var runs = 0;
        var batcher = new ModelBatcher<double[], (double Prediction, double Probability)>(
            new BatchSettings(true, 32, Window, 1024, RunWhenIdle: true), _time, rows =>
            {
                if (Interlocked.Increment(ref runs) == 1)
                {
                    firstRunMayEnd.Wait();
                }

                return Predictor.Run(_model, rows);
            },
            _batchSizes.Enqueue);

        var first = batcher.SubmitAsync("Float:16", [Row(0)], CancellationToken.None);
        await WaitUntil(() => Volatile.Read(ref runs) == 1);
        var others = Enumerable.Range(1, 10).Select(i => batcher.SubmitAsync("Float:16", [Row(i)], CancellationToken.None)).ToArray();
        Assert.Equal(10, batcher.QueuedRows);
        firstRunMayEnd.Set();
        var answers = await Task.WhenAll(others);

        Assert.Single(await first);
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(Predictor.Predict(_model, [Row(i + 1)])[0].Probability, Assert.Single(answers[i]).Probability, 1e-6);
        }

        Assert.Equal(new[] { 1, 10 }, _batchSizes);
        Assert.Equal(1, batcher.IdleRuns);
    }

    [Theory]
    [InlineData(new[] { -1, 16 }, true)]
    [InlineData(new[] { -1 }, true)]
    [InlineData(new[] { 1, 16 }, false)]
    [InlineData(new[] { 8, 16 }, false)]
    [InlineData(new int[0], false)]
    public void CanBatch_FirstDimension_BatchableOnlyWhenDynamic(int[] dimensions, bool expected) =>
        Assert.Equal(expected, ModelBatchers.CanBatch([dimensions]));

    [Fact]
    public void CanBatch_OneOfTwoInputsFixed_False() =>
        Assert.False(ModelBatchers.CanBatch([[-1, 2], [4, 2]]));

    [Theory]
    [InlineData("mlp.onnx")]
    [InlineData("fraud-detector.onnx")]
    [InlineData("multi-type.onnx")]
    public void CanBatch_SampleModelWithDynamicBatch_True(string file)
    {
        var model = SampleSessions.Load(file);
        try
        {
            Assert.True(ModelBatchers.CanBatch(model));
        }
        finally
        {
            model.Retire();
        }
    }

    private ModelBatcher<double[], (double Prediction, double Probability)> Create(int maxBatchSize, int maxQueueLength = 1024, bool runWhenIdle = false) =>
        new(new BatchSettings(true, maxBatchSize, Window, maxQueueLength, runWhenIdle), _time, rows => Predictor.Run(_model, rows), _batchSizes.Enqueue);

    /// <summary>Sixteen features that differ from row to row.</summary>
    private static double[] Row(int i) => Enumerable.Range(0, 16).Select(j => Math.Sin(i * 16 + j) * 2).ToArray();

    /// <summary>Waits for concurrent callers to reach the queue; a guard against hanging, not a timing assertion.</summary>
    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "The condition did not become true within 30 s.");
    }
}
