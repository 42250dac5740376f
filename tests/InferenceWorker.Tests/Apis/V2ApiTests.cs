using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>The Open Inference Protocol v2 routes against a real registry and ONNX Runtime.</summary>
public sealed class V2ApiTests(SampleModelsFixture fixture) : IClassFixture<SampleModelsFixture>
{
    private readonly HttpClient _client = fixture.Client;

    public static TheoryData<string, int> Cases() => ExpectedOutputs.AllCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Infer_SampleModel_ReturnsExpectedOutputs(string file, int index)
    {
        var model = Path.GetFileNameWithoutExtension(file);
        var request = ExpectedOutputs.V2Request(file, index);
        request["id"] = $"case-{index}";

        var body = await HttpAssert.OkJsonAsync(await InferAsync(model, request.ToJsonString()));

        HttpAssert.HasExactlyProperties(body, "model_name", "model_version", "id", "outputs");
        Assert.Equal(model, body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal($"case-{index}", body.GetProperty("id").GetString());
        var expected = ExpectedOutputs.Outputs(file, index);
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(expected.Select(pair => pair.Key).Order(), outputs.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            ExpectedOutputs.AssertTensor(tensor!.AsObject(), outputs[name]);
        }
    }

    [Fact]
    public async Task Infer_ZipMapClassifier_ReturnsSequenceOfMapsAsFp32TensorInClassOrder()
    {
        var request = ExpectedOutputs.V2Request("zipmap-classifier.onnx", 0);

        var body = await HttpAssert.OkJsonAsync(await InferAsync("zipmap-classifier", request.ToJsonString()));

        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("FP32", outputs["output_probability"].GetProperty("datatype").GetString());
        Assert.Equal("[3,3]", outputs["output_probability"].GetProperty("shape").GetRawText());
        var expected = ExpectedOutputs.Outputs("zipmap-classifier.onnx", 0);
        ExpectedOutputs.AssertTensor(expected["output_probability"]!.AsObject(), outputs["output_probability"]);
        ExpectedOutputs.AssertTensor(expected["output_label"]!.AsObject(), outputs["output_label"]);
    }

    [Fact]
    public async Task Infer_StringTensorInput_ReturnsCodesAndStringOutput()
    {
        var request = """
            {"inputs": [{"name": "species", "datatype": "BYTES", "shape": [4], "data": ["virginica", "tulip", "", "setosa"]}]}
            """;

        var body = await HttpAssert.OkJsonAsync(await InferAsync("species-encoder", request));

        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("[2,-1,-1,0]", outputs["code"].GetProperty("data").GetRawText());
        Assert.Equal("BYTES", outputs["name"].GetProperty("datatype").GetString());
        Assert.Equal(["virginica", "unknown", "unknown", "setosa"], outputs["name"].GetProperty("data").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Infer_Fp16AndFp32Inputs_ReturnsFp16OutputAsShortestNumbers()
    {
        var request = """
            {"inputs": [
              {"name": "x", "datatype": "FP16", "shape": [1, 3], "data": [0.1, -2.5, 1000]},
              {"name": "scale", "datatype": "FP32", "shape": [1, 1], "data": [2]}
            ]}
            """;

        var body = await HttpAssert.OkJsonAsync(await InferAsync("fp16-scaler", request));

        var y = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("FP16", y.GetProperty("datatype").GetString());
        Assert.Equal("[0.2,-5,2000]", y.GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("species-encoder", """{"name": "species", "datatype": "BYTES", "shape": [2], "data": ["setosa", 3]}""", "element 1 (3) is not a valid BYTES value")]
    [InlineData("species-encoder", """{"name": "species", "datatype": "BYTES", "shape": [1], "data": [null]}""", "element 0 (null) is not a valid BYTES value")]
    [InlineData("fp16-scaler", """{"name": "x", "datatype": "FP16", "shape": [1, 3], "data": [1, 70000, 2]}""", "element 1 (70000) is not a valid FP16 value")]
    [InlineData("fp16-scaler", """{"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}""", "is FP16 in the model; the request says FP32")]
    [InlineData("species-encoder", """{"name": "species", "datatype": "BYTES", "shape": [2], "data": ["a", "\ud800"]}""", "element 1 is not valid Unicode text")]
    [InlineData("species-encoder", """{"name": "spec\udc00ies", "datatype": "BYTES", "shape": [1], "data": ["a"]}""", "An input name is not valid Unicode text")]
    public async Task Infer_InvalidNewDatatypeElement_Returns400NamingIt(string model, string input, string expected)
    {
        var error = await HttpAssert.V2ErrorAsync(await InferAsync(model, $$"""{"inputs": [{{input}}]}"""), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Infer_IdNotValidUnicode_Returns400()
    {
        var request = ExpectedOutputs.V2Request("fraud-detector.onnx", 1).ToJsonString().Replace("{\"inputs\"", "{\"id\": \"\\ud800\", \"inputs\"");

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector", request), HttpStatusCode.BadRequest);

        Assert.Contains("'id' is not valid Unicode text", error);
    }

    [Fact]
    public async Task Infer_EmptyBatchThroughZipMap_ReturnsEmptyTensors()
    {
        var request = """{"inputs": [{"name": "features", "datatype": "FP32", "shape": [0, 4], "data": []}]}""";

        var body = await HttpAssert.OkJsonAsync(await InferAsync("zipmap-classifier", request));

        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("[0,0]", outputs["output_probability"].GetProperty("shape").GetRawText());
        Assert.Equal("[]", outputs["output_probability"].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_ParametersOnRequestInputsAndOutputs_AreAccepted()
    {
        var request = """
            {"id": "p", "parameters": {"priority": 1, "timeout": 100},
             "inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, 0, 1], "parameters": {"content_type": "np"}}],
             "outputs": [{"name": "probability", "parameters": {"binary_data": false}}]}
            """;

        var body = await HttpAssert.OkJsonAsync(await InferAsync("fraud-detector", request));

        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal(0.8455348, output.GetProperty("data")[0].GetDouble(), 1e-5);
    }

    [Fact]
    public async Task Infer_ClassificationRequested_Returns400()
    {
        var request = ExpectedOutputs.V2Request("iris-classifier.onnx", 1);
        request["outputs"] = JsonNode.Parse("""[{"name": "probabilities", "parameters": {"classification": 2}}]""");

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("iris-classifier", request.ToJsonString()), HttpStatusCode.BadRequest);

        Assert.Contains("classification", error);
    }

    [Fact]
    public async Task Infer_Int64BeyondInt32_KeepsEveryDigit()
    {
        var request = """
            {"inputs": [
              {"name": "a", "datatype": "FP64", "shape": [1, 2], "data": [0, 0]},
              {"name": "b", "datatype": "INT64", "shape": [1, 2], "data": [3000000000, 9007199254740993]},
              {"name": "c", "datatype": "INT32", "shape": [1, 2], "data": [0, 0]},
              {"name": "flag", "datatype": "BOOL", "shape": [1, 2], "data": [true, true]}
            ], "outputs": [{"name": "b_out"}]}
            """;

        var body = await HttpAssert.OkJsonAsync(await InferAsync("multi-type", request));

        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal(["3000000001", "9007199254740994"], output.GetProperty("data").EnumerateArray().Select(d => d.GetRawText()));
    }

    [Fact]
    public async Task Infer_NestedData_GivesSameOutputsAsFlatData()
    {
        var request = """
            {"inputs": [{"name": "features", "datatype": "FP32", "shape": [3, 4],
              "data": [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5]]}]}
            """;

        var body = await HttpAssert.OkJsonAsync(await InferAsync("iris-classifier", request));

        var expected = ExpectedOutputs.Outputs("iris-classifier.onnx", 0);
        foreach (var output in body.GetProperty("outputs").EnumerateArray())
        {
            ExpectedOutputs.AssertTensor(expected[output.GetProperty("name").GetString()!]!.AsObject(), output);
        }
    }

    [Fact]
    public async Task Infer_OutputsFilter_ReturnsOnlyTheRequestedOutput()
    {
        var request = ExpectedOutputs.V2Request("iris-classifier.onnx", 0);
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "probabilities" });

        var body = await HttpAssert.OkJsonAsync(await InferAsync("iris-classifier", request.ToJsonString()));

        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        ExpectedOutputs.AssertTensor(ExpectedOutputs.Outputs("iris-classifier.onnx", 0)["probabilities"]!.AsObject(), output);
    }

    [Fact]
    public async Task Infer_NoId_OmitsId()
    {
        var body = await HttpAssert.OkJsonAsync(await InferAsync("mlp", ExpectedOutputs.V2Request("mlp.onnx", 1).ToJsonString()));

        HttpAssert.HasExactlyProperties(body, "model_name", "model_version", "outputs");
    }

    [Fact]
    public async Task Infer_UnknownOutput_Returns400NamingTheOutputs()
    {
        var request = ExpectedOutputs.V2Request("iris-classifier.onnx", 0);
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "logits" });

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("iris-classifier", request.ToJsonString()), HttpStatusCode.BadRequest);

        Assert.Contains("'logits'", error);
        Assert.Contains("label, probabilities", error);
    }

    [Fact]
    public async Task Infer_WrongDatatype_Returns400NamingBoth()
    {
        var request = """{"inputs": [{"name": "features", "datatype": "FP64", "shape": [1, 3], "data": [1, 0, 1]}]}""";

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector", request), HttpStatusCode.BadRequest);

        Assert.Contains("FP32", error);
        Assert.Contains("FP64", error);
    }

    [Theory]
    [InlineData("""{"name": "features", "shape": [1, 3], "data": [1, 0, 1]}""", "'datatype'")]
    [InlineData("""{"name": "features", "datatype": "FLOAT", "shape": [1, 3], "data": [1, 0, 1]}""", "'datatype'")]
    [InlineData("""{"name": "features", "datatype": 32, "shape": [1, 3], "data": [1, 0, 1]}""", "'datatype'")]
    [InlineData("""{"name": "features", "datatype": "FP32", "data": [1, 0, 1]}""", "'shape'")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, "3"], "data": [1, 0, 1]}""", "shape entry 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, -3], "data": [1, 0, 1]}""", "shape entry 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 4], "data": [1, 0, 1, 0]}""", "the model takes [-1, 3]")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [3], "data": [1, 0, 1]}""", "the model takes [-1, 3]")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3]}""", "'data'")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, "0", 1]}""", "element 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, {"v": 0}, 1]}""", "element 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, true, 1]}""", "element 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, null, 1]}""", "element 1")]
    [InlineData("""{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, 1e39, 1]}""", "element 1")]
    [InlineData("""{"datatype": "FP32", "shape": [1, 3], "data": [1, 0, 1]}""", "'name'")]
    [InlineData("""{"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [1, 0, 1]}""", "no input 'x'")]
    public async Task Infer_MalformedInput_Returns400WithAReason(string input, string expected)
    {
        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector", $$"""{"inputs": [{{input}}]}"""), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("[1, 0]", "2 elements")]
    [InlineData("[1, 0, 1, 1]", "4 elements")]
    [InlineData("[[1, 0], [1, 1]]", "4 elements")]
    public async Task Infer_DataCountNotMatchingShape_Returns400(string data, string expected)
    {
        var request = $$"""{"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": {{data}}}]}""";

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector", request), HttpStatusCode.BadRequest);

        Assert.Contains(expected, error);
        Assert.Contains("needs 3", error);
    }

    [Fact]
    public async Task Infer_ShapeFarLargerThanData_Returns400()
    {
        // 2 × 10⁹ doubles (16 GB) if believed before the data is counted.
        var request = """
            {"inputs": [{"name": "a", "datatype": "FP64", "shape": [1000000000, 2], "data": [1, 2]}]}
            """;

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("multi-type", request), HttpStatusCode.BadRequest);

        Assert.Contains("2 elements", error);
    }

    [Fact]
    public async Task Infer_MissingInput_Returns400NamingIt()
    {
        var request = ExpectedOutputs.V2Request("multi-type.onnx", 1);
        var inputs = request["inputs"]!.AsArray();
        inputs.RemoveAt(inputs.Select(i => i!["name"]!.GetValue<string>()).ToList().IndexOf("c"));

        var error = await HttpAssert.V2ErrorAsync(await InferAsync("multi-type", request.ToJsonString()), HttpStatusCode.BadRequest);

        Assert.Contains("Missing input(s) 'c'", error);
    }

    [Fact]
    public async Task Infer_InputGivenTwice_Returns400()
    {
        var input = """{"name": "features", "datatype": "FP32", "shape": [1, 3], "data": [1, 0, 1]}""";

        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("fraud-detector", $$"""{"inputs": [{{input}}, {{input}}]}"""), HttpStatusCode.BadRequest);

        Assert.Contains("twice", error);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"inputs": []}""")]
    [InlineData("""{"inputs": {"name": "features"}}""")]
    [InlineData("[]")]
    public async Task Infer_NoInputs_Returns400(string json)
    {
        await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector", json), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")] // what curl -d says
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Infer_BodyNotLabelledJson_IsStillReadAsJson(string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ExpectedOutputs.V2Request("fraud-detector.onnx", 1).ToJsonString()));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var body = await HttpAssert.OkJsonAsync(await _client.PostAsync("/v2/models/fraud-detector/infer", content));

        ExpectedOutputs.AssertTensor(ExpectedOutputs.Outputs("fraud-detector.onnx", 1)["probability"]!.AsObject(),
            Assert.Single(body.GetProperty("outputs").EnumerateArray()));
    }

    [Fact]
    public async Task Infer_UnknownModel_Returns404Error()
    {
        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("no-such-model", ExpectedOutputs.V2Request("fraud-detector.onnx", 1).ToJsonString()), HttpStatusCode.NotFound);

        Assert.Contains("no-such-model", error);
    }

    [Theory]
    [InlineData("""{"inputs": [""")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Infer_InvalidJson_Returns400Error(string json)
    {
        var error = await HttpAssert.V2ErrorAsync(await InferAsync("fraud-detector", json), HttpStatusCode.BadRequest);

        Assert.Contains("not valid JSON", error);
    }

    [Fact]
    public async Task ModelMetadata_SampleModel_DescribesInputsAndOutputs()
    {
        var body = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2/models/iris-classifier"));

        Assert.Equal("iris-classifier", body.GetProperty("name").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", body.GetProperty("platform").GetString());
        var input = Assert.Single(body.GetProperty("inputs").EnumerateArray());
        Assert.Equal("features", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 4L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("datatype").GetString());
        Assert.Equal("INT64", outputs["label"]);
        Assert.Equal("FP32", outputs["probabilities"]);
    }

    [Fact]
    public async Task ModelMetadata_ZipMapClassifier_DescribesProbabilityMapsAsFp32Matrix()
    {
        var body = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2/models/zipmap-classifier"));

        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("INT64", outputs["output_label"].GetProperty("datatype").GetString());
        Assert.Equal("FP32", outputs["output_probability"].GetProperty("datatype").GetString());
        Assert.Equal("[-1,-1]", outputs["output_probability"].GetProperty("shape").GetRawText());
    }

    [Fact]
    public async Task ModelMetadata_StringAndHalfModels_DescribeBytesAndFp16()
    {
        var species = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2/models/species-encoder"));
        var half = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2/models/fp16-scaler"));

        Assert.Equal("BYTES", species.GetProperty("inputs")[0].GetProperty("datatype").GetString());
        Assert.Equal(["x:FP16", "scale:FP32"], half.GetProperty("inputs").EnumerateArray()
            .Select(i => $"{i.GetProperty("name").GetString()}:{i.GetProperty("datatype").GetString()}"));
    }

    [Fact]
    public async Task ModelReady_RegisteredModel_Returns200Ready()
    {
        var body = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2/models/mlp/ready"));

        HttpAssert.HasExactlyProperties(body, "name", "ready");
        Assert.Equal("mlp", body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task ModelReady_UnknownModel_Returns404Error()
    {
        var error = await HttpAssert.V2ErrorAsync(await _client.GetAsync("/v2/models/no-such-model/ready"), HttpStatusCode.NotFound);

        Assert.Contains("no-such-model", error);
    }

    [Fact]
    public async Task ModelMetadata_UnknownModel_Returns404Error()
    {
        await HttpAssert.V2ErrorAsync(await _client.GetAsync("/v2/models/no-such-model"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ServerMetadata_Always_NamesTheServer()
    {
        var body = await HttpAssert.OkJsonAsync(await _client.GetAsync("/v2"));

        Assert.Equal("maestro", body.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.Contains("binary_tensor_data", body.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task HealthProbe_RunningServer_Returns200(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryModelRouteWithAndWithoutVersion()
    {
        var document = await HttpAssert.OkJsonAsync(await _client.GetAsync("/openapi/v1.json"));

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/v2/models/{name}/ready", paths);
        Assert.Contains("/v2/models/{name}/versions/{version}", paths);
        Assert.Contains("/v2/models/{name}/versions/{version}/ready", paths);
        Assert.Contains("/v2/models/{name}/versions/{version}/infer", paths);
        var infer = document.GetProperty("paths").GetProperty("/v2/models/{name}/versions/{version}/infer").GetProperty("post");
        Assert.Equal("V2InferVersion", infer.GetProperty("operationId").GetString());
        Assert.True(infer.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/octet-stream", out _));
    }

    private Task<HttpResponseMessage> InferAsync(string model, string json) =>
        _client.PostAsync($"/v2/models/{model}/infer", new StringContent(json, Encoding.UTF8, "application/json"));
}
