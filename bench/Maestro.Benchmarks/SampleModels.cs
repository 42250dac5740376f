using Microsoft.ML.OnnxRuntime;

namespace Maestro.Benchmarks;

/// <summary>The repository's sample models, opened the way the worker opens them.</summary>
internal static class SampleModels
{
    public const string FraudDetector = "fraud-detector";
    public const string Mlp = "mlp";
    public const string Mlp512 = "mlp-512";

    private static readonly string Directory = FindDirectory();

    /// <summary>Input name and feature count of each sample model used here.</summary>
    public static (string Input, int Width) Shape(string model) => model switch
    {
        FraudDetector => ("features", 3),
        Mlp => ("input", 16),
        Mlp512 => ("input", 64),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Not a sample model of these benchmarks."),
    };

    /// <summary>A session with the worker's options (see ModelRepository.CreateSessionOptions, IntraOpThreads 1).</summary>
    public static InferenceSession Open(string model)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        return new InferenceSession(Path.Combine(Directory, model + ".onnx"), options);
    }

    /// <summary>Deterministic feature rows in [-1, 1).</summary>
    public static float[] Features(int rows, int width)
    {
        var random = new Random(42);
        var values = new float[rows * width];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "models");
            if (File.Exists(Path.Combine(candidate, FraudDetector + ".onnx")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/models not found above " + AppContext.BaseDirectory);
    }
}
