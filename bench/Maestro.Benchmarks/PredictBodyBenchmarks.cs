using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Maestro.InferenceWorker.Predict;

namespace Maestro.Benchmarks;

/// <summary>
/// The predict body of one row, read as the worker did before <see cref="PredictBody"/> (the serializer, reading a
/// stream as ASP.NET Core's <c>ReadFromJsonAsync</c> does) against the worker now (<see cref="PredictBody.Parse"/>
/// over the buffered body), for fraud-detector's 3 features and mlp-512's 64.
/// </summary>
[MemoryDiagnoser]
public class PredictBodyBenchmarks
{
    // The worker's options: ASP.NET Core's web defaults with the worker's own settings on top.
    private static readonly JsonSerializerOptions Options = WorkerJsonOptions();

    private byte[] _body = [];

    [Params(SampleModels.FraudDetector, SampleModels.Mlp512)]
    public string Model { get; set; } = SampleModels.FraudDetector;

    [GlobalSetup]
    public void Setup()
    {
        var (_, width) = SampleModels.Shape(Model);
        var features = string.Join(",", SampleModels.Features(1, width).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        _body = Encoding.UTF8.GetBytes($$"""{"features":[{{features}}]}""");
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Serializer()
    {
        using var stream = new MemoryStream(_body, writable: false);
        var request = await JsonSerializer.DeserializeAsync<PredictRequest>(stream, Options);
        return request!.Features!.Length;
    }

    private static JsonSerializerOptions WorkerJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        InferenceWorker.Extensions.Extensions.ConfigureJson(options);
        return options;
    }

    [Benchmark]
    public int FastPath() => PredictBody.Parse(new ReadOnlySequence<byte>(_body), Options)!.Features!.Length;
}
