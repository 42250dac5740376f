using BenchmarkDotNet.Attributes;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Predict;

namespace Maestro.Benchmarks;

/// <summary>
/// The seed predict path inside the worker (<see cref="Predictor.Predict"/>): validate the rows,
/// build the input tensor, run the session and read prediction and probability per row. One row is
/// <c>predict</c>; 100 rows is a full <c>batch_predict</c>.
/// </summary>
[MemoryDiagnoser]
public class SeedPredictorBenchmarks
{
    private LoadedModel _model = null!;
    private double[][] _rows = [];

    [Params(SampleModels.FraudDetector, SampleModels.Mlp)]
    public string Model { get; set; } = SampleModels.FraudDetector;

    [Params(1, 100)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new LoadedModel(Model, 1, "benchmark", SampleModels.Open(Model));
        var width = SampleModels.Shape(Model).Width;
        var features = SampleModels.Features(Rows, width);
        _rows = Enumerable.Range(0, Rows).Select(r => features.AsSpan(r * width, width).ToArray().Select(v => (double)v).ToArray()).ToArray();
    }

    [Benchmark]
    public double Predict() => Predictor.Predict(_model, _rows)[^1].Probability;

    [GlobalCleanup]
    public void Cleanup() => _model.Retire();
}
