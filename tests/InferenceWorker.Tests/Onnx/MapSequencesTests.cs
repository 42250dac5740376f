using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Tests.Onnx;

public sealed class MapSequencesTests
{
    [Fact]
    public void TryToMatrix_ZipMapOutput_ReturnsOneRowPerMapInClassOrder()
    {
        var model = SampleSessions.Load("zipmap-classifier.onnx");
        var rows = ExpectedOutputs.Rows("zipmap-classifier.onnx", 0, "features");
        using var input = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), [rows.Length, 4]);
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, ["features"], [input], ["output_probability"]);

        Assert.True(MapSequences.TryToMatrix(outputs[0], out var matrix, out var reason), reason);

        Assert.Equal((3, 3), (matrix.Rows, matrix.Columns));
        Assert.Equal(["0", "1", "2"], matrix.Classes);
        var expected = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("zipmap-classifier.onnx", 0)["output_probability"]!.AsObject());
        Assert.Equal(expected.Length, matrix.Values.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], matrix.Values[i], 1e-5);
        }
    }

    [Fact]
    public void TryToMatrix_StringKeys_SortsColumnsOrdinally()
    {
        using var sequence = Sequence(
            OrtValue.CreateMapWithStringKeys(["virginica", "setosa", "Versicolor"], new[] { 0.5f, 0.3f, 0.2f }),
            OrtValue.CreateMapWithStringKeys(["virginica", "setosa", "Versicolor"], new[] { 0.1f, 0.6f, 0.3f }));

        Assert.True(MapSequences.TryToMatrix(sequence, out var matrix, out var reason), reason);

        Assert.Equal(["Versicolor", "setosa", "virginica"], matrix.Classes);
        Assert.Equal([0.2f, 0.3f, 0.5f, 0.3f, 0.6f, 0.1f], matrix.Values);
    }

    [Fact]
    public void TryToMatrix_IntegerKeysOutOfOrder_SortsColumnsNumerically()
    {
        using var sequence = Sequence(OrtValue.CreateMap(new[] { 10L, -1L, 2L }, new[] { 0.5f, 0.25f, 0.25f }));

        Assert.True(MapSequences.TryToMatrix(sequence, out var matrix, out var reason), reason);

        Assert.Equal(["-1", "2", "10"], matrix.Classes);
        Assert.Equal([0.25f, 0.25f, 0.5f], matrix.Values);
    }

    [Fact]
    public void TryToMatrix_RowsWithOtherClasses_RefusesNamingTheRow()
    {
        using var sequence = Sequence(
            OrtValue.CreateMap(new[] { 0L, 1L }, new[] { 0.5f, 0.5f }),
            OrtValue.CreateMap(new[] { 0L, 2L }, new[] { 0.5f, 0.5f }));

        Assert.False(MapSequences.TryToMatrix(sequence, out _, out var reason));

        Assert.Equal("row 1 has other classes than row 0", reason);
    }

    [Fact]
    public void TryToMatrix_SingleMap_Refuses()
    {
        using var map = OrtValue.CreateMap(new[] { 0L, 1L }, new[] { 0.5f, 0.5f });

        Assert.False(MapSequences.TryToMatrix(map, out _, out var reason));

        Assert.Equal("it is a map, not a sequence of maps", reason);
    }

    [Fact]
    public void TryToMatrix_SequenceOfTensors_Refuses()
    {
        using var sequence = Sequence(OrtValue.CreateTensorValueFromMemory(new[] { 1f }, [1]));

        Assert.False(MapSequences.TryToMatrix(sequence, out _, out var reason));

        Assert.Equal("it is a sequence of tensors, not of maps", reason);
    }

    [Fact]
    public void TryToMatrix_Tensor_Refuses()
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(new[] { 1f }, [1]);

        Assert.False(MapSequences.TryToMatrix(tensor, out _, out var reason));

        Assert.Contains("not a sequence of maps", reason);
    }

    [Fact]
    public void IsProbabilityMaps_ZipMapModel_TrueOnlyForTheProbabilityOutput()
    {
        var model = SampleSessions.Load("zipmap-classifier.onnx");

        Assert.True(MapSequences.IsProbabilityMaps(model.OutputMetadata["output_probability"]));
        Assert.False(MapSequences.IsProbabilityMaps(model.OutputMetadata["output_label"]));
    }

    private static OrtValue Sequence(params OrtValue[] elements) => OrtValue.CreateSequence(elements.ToList());
}
