using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Maestro.InferenceWorker.V2;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.Benchmarks;

/// <summary>
/// The worker's V2 JSON → tensor step (<see cref="TensorReader.Read"/>): from the request body's bytes
/// (parse included) and from an already parsed <c>data</c> element (the reader alone).
/// </summary>
[MemoryDiagnoser]
public class TensorReaderBenchmarks
{
    private byte[] _body = [];
    private JsonDocument _parsed = null!;
    private JsonElement _data;
    private long[] _shape = [];
    private string _input = "";

    /// <summary>fraud-detector's predict-sized tensor [1, 3], and an MLP batch [32, 16].</summary>
    [Params("fraud-detector[1,3]", "mlp[32,16]")]
    public string Tensor { get; set; } = "fraud-detector[1,3]";

    [GlobalSetup]
    public void Setup()
    {
        var (model, rows) = Tensor.StartsWith(SampleModels.Mlp, StringComparison.Ordinal) ? (SampleModels.Mlp, 32) : (SampleModels.FraudDetector, 1);
        var (input, width) = SampleModels.Shape(model);
        _input = input;
        _shape = [rows, width];
        var data = string.Join(", ", SampleModels.Features(rows, width).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        _body = Encoding.UTF8.GetBytes(
            $$"""{"inputs": [{"name": "{{input}}", "shape": [{{rows}}, {{width}}], "datatype": "FP32", "data": [{{data}}]}]}""");
        _parsed = JsonDocument.Parse(_body);
        _data = _parsed.RootElement.GetProperty("inputs")[0].GetProperty("data");
    }

    [Benchmark(Baseline = true)]
    public long ReadParsed()
    {
        using var value = TensorReader.Read(_input, TensorElementType.Float, _shape, _data);
        return value.GetTensorTypeAndShape().ElementCount;
    }

    [Benchmark]
    public long ParseAndRead()
    {
        using var document = JsonDocument.Parse(_body);
        var data = document.RootElement.GetProperty("inputs")[0].GetProperty("data");
        using var value = TensorReader.Read(_input, TensorElementType.Float, _shape, data);
        return value.GetTensorTypeAndShape().ElementCount;
    }

    [GlobalCleanup]
    public void Cleanup() => _parsed.Dispose();
}
