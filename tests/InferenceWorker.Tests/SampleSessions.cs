using Maestro.InferenceWorker.Models;
using Maestro.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Tests;

/// <summary>Sample models loaded in the real ONNX Runtime, as the worker loads them.</summary>
internal static class SampleSessions
{
    public static LoadedModel Load(string file, int version = 1) =>
        new(Path.GetFileNameWithoutExtension(file), version, "sha256-of-" + file, new InferenceSession(TestPaths.SampleModel(file)));
}
