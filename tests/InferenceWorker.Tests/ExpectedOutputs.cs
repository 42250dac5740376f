using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests;

/// <summary>
/// <c>samples/models/expected.json</c>: for each sample model, input batches and the outputs its graph
/// must produce, as V2 tensors with flat row-major <c>data</c>.
/// </summary>
internal static class ExpectedOutputs
{
    private static readonly JsonObject Document =
        JsonNode.Parse(File.ReadAllText(TestPaths.SampleModel("expected.json")))!.AsObject();

    public static IReadOnlyList<string> ModelFiles { get; } = Document.Select(pair => pair.Key).ToArray();

    /// <summary>Every (model file, case index) pair, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string, int> AllCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, cases) in Document)
        {
            for (var i = 0; i < cases!.AsArray().Count; i++)
            {
                data.Add(file, i);
            }
        }

        return data;
    }

    public static JsonObject Inputs(string file, int index) => Case(file, index)["inputs"]!.AsObject();

    public static JsonObject Outputs(string file, int index) => Case(file, index)["outputs"]!.AsObject();

    /// <summary>The case as a V2 infer request body: <c>{"inputs": [{name, datatype, shape, data}]}</c>.</summary>
    public static JsonObject V2Request(string file, int index)
    {
        var inputs = new JsonArray();
        foreach (var (name, tensor) in Inputs(file, index))
        {
            var input = tensor!.DeepClone().AsObject();
            input.Insert(0, "name", name);
            inputs.Add(input);
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    /// <summary>The float data of an input tensor, for the seed API's rows of features.</summary>
    public static double[][] Rows(string file, int index, string input)
    {
        var tensor = Inputs(file, index)[input]!;
        var shape = tensor["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        var data = tensor["data"]!.AsArray().Select(d => d!.GetValue<double>()).ToArray();
        return data.Chunk(shape[^1]).ToArray();
    }

    public static double[] Doubles(JsonObject tensor) =>
        tensor["data"]!.AsArray().Select(d => d!.GetValue<double>()).ToArray();

    /// <summary>
    /// Asserts a V2 output tensor equals the expected one: datatype and shape exactly, integers,
    /// booleans and strings exactly, FP16 to the same half-precision value, FP32 within 1e-5 (ONNX
    /// Runtime may round the last bits differently), FP64 to 12 significant digits.
    /// </summary>
    public static void AssertTensor(JsonObject expected, JsonElement actual)
    {
        var datatype = expected["datatype"]!.GetValue<string>();
        Assert.Equal(datatype, actual.GetProperty("datatype").GetString());
        Assert.Equal(
            expected["shape"]!.AsArray().Select(d => d!.GetValue<long>()),
            actual.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        var want = expected["data"]!.AsArray();
        var got = actual.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(want.Count, got.Length);
        for (var i = 0; i < got.Length; i++)
        {
            switch (datatype)
            {
                case "FP32" or "FP64":
                    var w = want[i]!.GetValue<double>();
                    var tolerance = datatype == "FP32" ? 1e-5 : 1e-12 * Math.Max(1, Math.Abs(w));
                    Assert.True(Math.Abs(w - got[i].GetDouble()) <= tolerance,
                        $"{datatype} element {i}: expected {w}, got {got[i].GetRawText()}");
                    break;
                case "FP16":
                    Assert.True((Half)want[i]!.GetValue<double>() == (Half)got[i].GetDouble(),
                        $"FP16 element {i}: expected {want[i]!.ToJsonString()}, got {got[i].GetRawText()}");
                    break;
                case "BOOL":
                    Assert.Equal(want[i]!.GetValue<bool>(), got[i].GetBoolean());
                    break;
                case "BYTES":
                    Assert.Equal(want[i]!.GetValue<string>(), got[i].GetString());
                    break;
                default:
                    Assert.Equal(want[i]!.GetValue<long>(), got[i].GetInt64());
                    break;
            }
        }
    }

    private static JsonObject Case(string file, int index) => Document[file]![index]!.AsObject();
}
