using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>Signatures read by the real ONNX Runtime from the sample models.</summary>
public sealed class OnnxModelInspectorTests
{
    [Fact]
    public void Inspect_FraudDetector_ReadsSignatureAndProducer()
    {
        var inspection = OnnxModelInspector.Inspect(TestPaths.SampleModel("fraud-detector.onnx"));

        AssertSpecs(inspection.Signature.Inputs, ("features", "FP32", [-1, 3]));
        AssertSpecs(inspection.Signature.Outputs, ("probability", "FP32", [-1, 1]));
        Assert.Equal("maestro-samples", inspection.Producer);
    }

    [Fact]
    public void Inspect_IrisClassifier_ReadsBothOutputs()
    {
        var inspection = OnnxModelInspector.Inspect(TestPaths.SampleModel("iris-classifier.onnx"));

        AssertSpecs(inspection.Signature.Inputs, ("features", "FP32", [-1, 4]));
        AssertSpecs(inspection.Signature.Outputs, ("label", "INT64", [-1]), ("probabilities", "FP32", [-1, 3]));
    }

    [Fact]
    public void Inspect_Mlp_ReadsSignature()
    {
        var inspection = OnnxModelInspector.Inspect(TestPaths.SampleModel("mlp.onnx"));

        AssertSpecs(inspection.Signature.Inputs, ("input", "FP32", [-1, 16]));
        AssertSpecs(inspection.Signature.Outputs, ("output", "FP32", [-1, 2]));
    }

    [Fact]
    public void Inspect_MultiType_NamesEachDatatypeTheOpenInferenceProtocolWay()
    {
        var inspection = OnnxModelInspector.Inspect(TestPaths.SampleModel("multi-type.onnx"));

        AssertSpecs(inspection.Signature.Inputs,
            ("a", "FP64", [-1, 2]), ("b", "INT64", [-1, 2]), ("c", "INT32", [-1, 2]), ("flag", "BOOL", [-1, 2]));
        AssertSpecs(inspection.Signature.Outputs,
            ("a_out", "FP64", [-1, 2]), ("b_out", "INT64", [-1, 2]), ("c_out", "INT32", [-1, 2]), ("flag_out", "BOOL", [-1, 2]));
    }

    [Fact]
    public void Inspect_TruncatedModel_ThrowsRuntimeReasonWithoutServerPath()
    {
        var directory = TestPaths.NewTempDirectory("inspect");
        try
        {
            var bytes = File.ReadAllBytes(TestPaths.SampleModel("mlp.onnx"));
            var path = Path.Combine(directory, "truncated.onnx");
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

            var error = Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));

            Assert.Contains("Protobuf parsing failed", error.Message);
            Assert.DoesNotContain(directory, error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertSpecs(IReadOnlyList<TensorSpec> actual, params (string Name, string Datatype, long[] Shape)[] expected) =>
        Assert.Equal(
            expected.Select(e => $"{e.Name}:{e.Datatype}[{string.Join(",", e.Shape)}]"),
            actual.Select(a => $"{a.Name}:{a.Datatype}[{string.Join(",", a.Shape)}]"));
}
