using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.Benchmarks;

/// <summary>
/// ONNX Runtime alone: one <c>Run</c> of a sample model through the OrtValue API, input prepared
/// beforehand, outputs allocated by ONNX Runtime and disposed — the floor under every prediction.
/// mlp-512 (the 64-512-512-10 MLP) at batch 1 and 32 sits beside the worker's time per request in
/// the (f) rows of bench/run.sh.
/// </summary>
[MemoryDiagnoser]
public class OnnxRunBenchmarks
{
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _input = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;

    [Params(SampleModels.FraudDetector, SampleModels.Mlp, SampleModels.Mlp512)]
    public string Model { get; set; } = SampleModels.FraudDetector;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _session = SampleModels.Open(Model);
        _runOptions = new RunOptions();
        var (input, width) = SampleModels.Shape(Model);
        _input = OrtValue.CreateTensorValueFromMemory(SampleModels.Features(Batch, width), [Batch, width]);
        _inputNames = [input];
        _outputNames = _session.OutputNames.ToArray();
    }

    [Benchmark]
    public float Run()
    {
        using var outputs = _session.Run(_runOptions, _inputNames, [_input], _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
