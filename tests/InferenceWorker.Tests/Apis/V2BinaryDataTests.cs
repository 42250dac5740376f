using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>Triton's binary tensor data extension on <c>POST /v2/models/{name}/infer</c>, with real ONNX Runtime.</summary>
public sealed class V2BinaryDataTests(SampleModelsFixture fixture) : IClassFixture<SampleModelsFixture>
{
    private readonly HttpClient _client = fixture.Client;

    public static TheoryData<string, int> Cases() => ExpectedOutputs.AllCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Infer_EveryInputAndOutputBinary_RoundTripsExpectedOutputs(string file, int index)
    {
        var (header, binary) = BinaryRequest(file, index);
        header["parameters"] = new JsonObject { ["binary_data_output"] = true };

        var (response, outputs) = await BinaryTensors.ReadAsync(await InferAsync(file, BinaryTensors.Request(header, binary)));

        Assert.Equal(Path.GetFileNameWithoutExtension(file), response.GetProperty("model_name").GetString());
        var expected = ExpectedOutputs.Outputs(file, index);
        Assert.Equal(expected.Select(pair => pair.Key).Order(), outputs.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            ExpectedOutputs.AssertTensor(tensor!.AsObject(), outputs[name]);
        }
    }

    [Fact]
    public async Task Infer_BinaryInputsWithoutBinaryOutputs_AnswersPlainJson()
    {
        var (header, binary) = BinaryRequest("multi-type.onnx", 0);

        var response = await InferAsync("multi-type.onnx", BinaryTensors.Request(header, binary));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains(BinaryTensors.HeaderLength));
        var expected = ExpectedOutputs.Outputs("multi-type.onnx", 0);
        foreach (var output in body.GetProperty("outputs").EnumerateArray())
        {
            ExpectedOutputs.AssertTensor(expected[output.GetProperty("name").GetString()!]!.AsObject(), output);
        }
    }

    [Fact]
    public async Task Infer_Fp16BinaryBesideFp32Json_ReturnsHalfPrecisionOutputAsBinary()
    {
        // Two inputs of different datatypes, one sent as bytes and one as JSON; the output asked for as bytes.
        var inputs = ExpectedOutputs.Inputs("fp16-scaler.onnx", 0);
        var x = inputs["x"]!.AsObject();
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "x", ["datatype"] = "FP16", ["shape"] = x["shape"]!.DeepClone(),
                    ["parameters"] = new JsonObject { ["binary_data_size"] = 12 },
                },
                new JsonObject { ["name"] = "scale" }.Merge(inputs["scale"]!.AsObject())),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "y", ["parameters"] = new JsonObject { ["binary_data"] = true } }),
        };

        var (header, outputs) = await BinaryTensors.ReadAsync(
            await InferAsync("fp16-scaler.onnx", BinaryTensors.Request(request, BinaryTensors.Encode("FP16", x["data"]!.AsArray()))));

        var y = Assert.Single(header.GetProperty("outputs").EnumerateArray());
        Assert.Equal(12, y.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        ExpectedOutputs.AssertTensor(ExpectedOutputs.Outputs("fp16-scaler.onnx", 0)["y"]!.AsObject(), outputs["y"]);
    }

    [Fact]
    public async Task Infer_OneOutputBinaryOneJson_SendsEachAsAsked()
    {
        var request = ExpectedOutputs.V2Request("iris-classifier.onnx", 0);
        request["outputs"] = new JsonArray(
            new JsonObject { ["name"] = "label" },
            new JsonObject { ["name"] = "probabilities", ["parameters"] = new JsonObject { ["binary_data"] = true } });

        var (header, outputs) = await BinaryTensors.ReadAsync(await _client.PostAsync("/v2/models/iris-classifier/infer",
            new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json")));

        var described = header.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.True(described["label"].TryGetProperty("data", out _));
        Assert.Equal(36, described["probabilities"].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        var expected = ExpectedOutputs.Outputs("iris-classifier.onnx", 0);
        ExpectedOutputs.AssertTensor(expected["label"]!.AsObject(), outputs["label"]);
        ExpectedOutputs.AssertTensor(expected["probabilities"]!.AsObject(), outputs["probabilities"]);
    }

    [Fact]
    public async Task Infer_BinaryOutputGloballyButJsonForOne_PerOutputChoiceWins()
    {
        var request = ExpectedOutputs.V2Request("iris-classifier.onnx", 1);
        request["parameters"] = new JsonObject { ["binary_data_output"] = true };
        request["outputs"] = new JsonArray(
            new JsonObject { ["name"] = "label", ["parameters"] = new JsonObject { ["binary_data"] = false } },
            new JsonObject { ["name"] = "probabilities" });

        var (header, _) = await BinaryTensors.ReadAsync(await _client.PostAsync("/v2/models/iris-classifier/infer",
            new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json")));

        var described = header.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("[2]", described["label"].GetProperty("data").GetRawText());
        Assert.Equal(12, described["probabilities"].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
    }

    [Theory]
    [InlineData("abc", "must be the length of the JSON header")]
    [InlineData("-1", "must be the length of the JSON header")]
    [InlineData("100000", "the body holds only")]
    public async Task Infer_BadHeaderLength_Returns400(string headerLength, string expected)
    {
        var (header, binary) = BinaryRequest("fraud-detector.onnx", 1);
        var content = BinaryTensors.Request(header, binary);
        content.Headers.Remove(BinaryTensors.HeaderLength);
        content.Headers.Add(BinaryTensors.HeaderLength, headerLength);

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector.onnx", content), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Infer_HeaderLengthCuttingTheJson_Returns400()
    {
        var json = Encoding.UTF8.GetBytes(BinaryRequest("fraud-detector.onnx", 1).Header.ToJsonString());
        var content = BinaryTensors.Request(json[..^1], new[] { json[^1] });

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector.onnx", content), HttpStatusCode.BadRequest);

        Assert.Contains("JSON header", error);
    }

    [Theory]
    [InlineData(11, "12 bytes of binary data, but only 11 remain")]
    [InlineData(13, "has 13 bytes of binary data after its JSON header, but the inputs' binary_data_size add up to 12")]
    public async Task Infer_BinarySectionNotMatchingDeclaredSize_Returns400(int sent, string expected)
    {
        var (header, _) = BinaryRequest("fraud-detector.onnx", 1);

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector.onnx", BinaryTensors.Request(header, new byte[sent])), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Infer_BinaryDataSizeNotMatchingShape_Returns400NamingBoth()
    {
        var request = JsonNode.Parse("""
            {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "parameters": {"binary_data_size": 8}}]}
            """)!.AsObject();

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector.onnx", BinaryTensors.Request(request, new byte[8])), HttpStatusCode.BadRequest);

        Assert.Contains("8 bytes of binary data, but 3 FP32 elements", error);
        Assert.Contains("take 12", error);
    }

    [Fact]
    public async Task Infer_BinaryDataSizeWithoutBinarySection_Returns400SayingHow()
    {
        var request = """{"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "parameters": {"binary_data_size": 12}}]}""";

        var error = await HttpAssert.V2ErrorAsync(
            await _client.PostAsync("/v2/models/fraud-detector/infer", new StringContent(request, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);

        Assert.Contains(BinaryTensors.HeaderLength, error);
    }

    [Theory]
    [InlineData("\"12\"")]
    [InlineData("-12")]
    [InlineData("1.5")]
    [InlineData("true")]
    public async Task Infer_BinaryDataSizeNotAByteCount_Returns400(string size)
    {
        var request = JsonNode.Parse($$$"""
            {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "parameters": {"binary_data_size": {{{size}}}}}]}
            """)!.AsObject();

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector.onnx", BinaryTensors.Request(request, new byte[12])), HttpStatusCode.BadRequest);

        Assert.Contains("binary_data_size must be a number of bytes", error);
    }

    [Fact]
    public async Task Infer_BinaryDataSizeAndJsonData_Returns400()
    {
        var request = JsonNode.Parse("""
            {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3], "parameters": {"binary_data_size": 12}}]}
            """)!.AsObject();

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector.onnx", BinaryTensors.Request(request, new byte[12])), HttpStatusCode.BadRequest);

        Assert.Contains("both 'data' and parameters.binary_data_size", error);
    }

    [Theory]
    [InlineData(new byte[] { 9, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', (byte)'d' }, "element 0 claims 9 bytes, but only 4")]
    [InlineData(new byte[] { 1, 0, 0, 0, (byte)'a', 1, 0, 0 }, "ends inside the length of element 1")]
    [InlineData(new byte[] { 1, 0, 0, 0 }, "too few for 2 BYTES elements")]
    [InlineData(new byte[] { 1, 0, 0, 0, (byte)'a', 0, 0, 0, 0, 9 }, "1 bytes of binary data after its 2 BYTES elements")]
    public async Task Infer_MalformedBinaryBytes_Returns400(byte[] binary, string expected)
    {
        var request = JsonNode.Parse($$$"""
            {"inputs": [{"name": "species", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": {{{binary.Length}}}}}]}
            """)!.AsObject();

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("species-encoder.onnx", BinaryTensors.Request(request, binary)), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Infer_BinaryBoolNotZeroOrOne_Returns400()
    {
        var (header, binary) = BinaryRequest("multi-type.onnx", 1);
        binary[3][1] = 7; // flag: [false, false] → [false, 7]

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("multi-type.onnx", BinaryTensors.Request(header, binary)), HttpStatusCode.BadRequest);

        Assert.Contains("Input 'flag' element 1 is byte 7", error);
    }

    [Theory]
    [InlineData("""{"binary_data_output": "yes"}""", "binary_data_output must be true or false")]
    [InlineData("""[true]""", "'parameters' must be a JSON object")]
    public async Task Infer_MalformedRequestParameters_Returns400(string parameters, string expected)
    {
        var request = ExpectedOutputs.V2Request("fraud-detector.onnx", 1);
        request["parameters"] = JsonNode.Parse(parameters);

        var error = await HttpAssert.V2ErrorAsync(await _client.PostAsync("/v2/models/fraud-detector/infer",
            new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    /// <summary>An expected.json case as a binary request: every input's data as bytes after the JSON header.</summary>
    private static (JsonObject Header, byte[][] Binary) BinaryRequest(string file, int index)
    {
        var inputs = new JsonArray();
        var binary = new List<byte[]>();
        foreach (var (name, tensor) in ExpectedOutputs.Inputs(file, index))
        {
            var datatype = tensor!["datatype"]!.GetValue<string>();
            var bytes = BinaryTensors.Encode(datatype, tensor["data"]!.AsArray());
            inputs.Add(new JsonObject
            {
                ["name"] = name,
                ["datatype"] = datatype,
                ["shape"] = tensor["shape"]!.DeepClone(),
                ["parameters"] = new JsonObject { ["binary_data_size"] = bytes.Length },
            });
            binary.Add(bytes);
        }

        return (new JsonObject { ["inputs"] = inputs }, [.. binary]);
    }

    private Task<HttpResponseMessage> InferAsync(string file, HttpContent content) =>
        _client.PostAsync($"/v2/models/{Path.GetFileNameWithoutExtension(file)}/infer", content);
}

file static class JsonObjectExtensions
{
    /// <summary>Copies every property of <paramref name="other"/> into <paramref name="target"/>.</summary>
    public static JsonObject Merge(this JsonObject target, JsonObject other)
    {
        foreach (var (key, value) in other)
        {
            target[key] = value?.DeepClone();
        }

        return target;
    }
}
