using Maestro.RegistryService.Infrastructure;
using Maestro.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>
/// A model's skeleton points its large weights back into the model file: ONNX Runtime loaded from it
/// must be the same model, computing the same numbers, and anything that is not a whole model gets none.
/// </summary>
public sealed class ModelSkeletonTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("skeleton");

    [Fact]
    public void TryWrite_MlpWithLargeWeights_SessionFromTheSkeletonComputesWhatTheModelComputes()
    {
        var model = Copy("mlp-512.onnx");

        var skeleton = ModelSkeleton.TryWrite(model);

        Assert.NotNull(skeleton);
        // w0 (128 KiB) and w1 (1 MiB) stay in the model file; the skeleton holds the graph and the small biases.
        Assert.InRange(new FileInfo(skeleton).Length, 1, 64 * 1024);
        var input = Enumerable.Range(0, 3 * 64).Select(i => (float)Math.Sin(i)).ToArray();
        Assert.Equal(Run(model, input), Run(skeleton, input));
    }

    [Theory]
    [InlineData("fraud-detector.onnx")]
    [InlineData("iris-classifier.onnx")]
    public void TryWrite_NoLargeWeights_NoSkeleton(string sample)
    {
        Assert.Null(ModelSkeleton.TryWrite(Copy(sample)));
        Assert.Empty(Directory.GetFiles(_directory, "*.skeleton.onnx"));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void TryWrite_TruncatedModel_NoSkeleton(double kept)
    {
        var bytes = File.ReadAllBytes(TestPaths.SampleModel("mlp-512.onnx"));
        var path = Path.Combine(_directory, "truncated.onnx");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * kept)]);

        Assert.Null(ModelSkeleton.TryWrite(path));
    }

    [Fact]
    public void TryWrite_NotAModel_NoSkeleton()
    {
        var path = Path.Combine(_directory, "notes.onnx");
        File.WriteAllText(path, "these are not the weights you are looking for\n");

        Assert.Null(ModelSkeleton.TryWrite(path));
    }

    [Fact]
    public void Inspect_LargeModel_ReadsTheSignatureAndLeavesNoSkeletonBehind()
    {
        var model = Copy("mlp-512.onnx");

        var inspection = OnnxModelInspector.Inspect(model);

        Assert.Equal("input", Assert.Single(inspection.Signature.Inputs).Name);
        Assert.Equal([-1, 64], Assert.Single(inspection.Signature.Inputs).Shape);
        Assert.Equal("output", Assert.Single(inspection.Signature.Outputs).Name);
        Assert.Equal([Path.GetFileName(model)], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Inspect_LargeWeightSmallerThanItsShape_RefusedWithTheRuntimesReasonForTheFile()
    {
        // w1 says [512, 513] but holds 512 × 512 floats: a well-formed file whose skeleton ONNX Runtime
        // refuses too, after which the file itself is loaded for the runtime's own words about it.
        var bytes = File.ReadAllBytes(TestPaths.SampleModel("mlp-512.onnx"));
        byte[] w1Header = [0x08, 0x80, 0x04, 0x08, 0x80, 0x04, 0x10, 0x01, 0x42, 0x02, (byte)'w', (byte)'1'];
        var at = bytes.AsSpan().IndexOf(w1Header);
        Assert.True(at >= 0, "w1's header is not where the sample model keeps it");
        bytes[at + 4] = 0x81; // the second dimension's varint: 512 → 513, same length
        var path = Path.Combine(_directory, "mismatch.onnx");
        File.WriteAllBytes(path, bytes);
        File.Delete(Assert.IsType<string>(ModelSkeleton.TryWrite(path)));

        var error = Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));

        Assert.Contains("mismatch", error.Message);
        Assert.DoesNotContain("external", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_directory, error.Message);
        Assert.Empty(Directory.GetFiles(_directory, "*.skeleton.onnx"));
    }

    private string Copy(string sample)
    {
        var path = Path.Combine(_directory, sample);
        File.Copy(TestPaths.SampleModel(sample), path);
        return path;
    }

    private static float[] Run(string path, float[] input)
    {
        using var session = new InferenceSession(path);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [3, 64]);
        using var results = session.Run(new RunOptions(), ["input"], [tensor], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
