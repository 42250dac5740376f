using Maestro.InferenceWorker.Models;
using Maestro.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Tests.Models;

/// <summary>The warm-up run every model gets before it serves, on every sample model's datatypes and shapes.</summary>
public sealed class ModelWarmupTests
{
    public static TheoryData<string> SampleModels() => [.. ExpectedOutputs.ModelFiles];

    [Theory]
    [MemberData(nameof(SampleModels))]
    public void TryRun_SampleModel_RunsWithZeros(string file)
    {
        using var session = new InferenceSession(TestPaths.SampleModel(file));

        Assert.Null(ModelWarmup.TryRun(session));
    }
}
