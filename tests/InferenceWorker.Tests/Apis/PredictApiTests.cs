using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>The predict API (<c>/api/v1/models/{name}/…</c>, the seed document's protocol) against a real registry and ONNX Runtime.</summary>
public sealed class PredictApiTests(SampleModelsFixture fixture) : IClassFixture<SampleModelsFixture>
{
    private static readonly string[] PredictionFields = ["prediction", "probability", "model_version", "request_id", "processing_time_ms"];

    private readonly HttpClient _client = fixture.Client;

    /// <summary>Each fraud-detector row of expected.json with the positive-class probability it must give.</summary>
    public static TheoryData<double[], double> FraudRows()
    {
        var data = new TheoryData<double[], double>();
        for (var c = 0; c < 2; c++)
        {
            var rows = ExpectedOutputs.Rows("fraud-detector.onnx", c, "features");
            var probabilities = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("fraud-detector.onnx", c)["probability"]!.AsObject());
            for (var i = 0; i < rows.Length; i++)
            {
                data.Add(rows[i], probabilities[i]);
            }
        }

        return data;
    }

    public static TheoryData<double[], long, double> IrisRows() => ClassifierRows("iris-classifier.onnx", "label", "probabilities");

    /// <summary>The same classifier exported with ZipMap: its probabilities are a sequence of maps.</summary>
    public static TheoryData<double[], long, double> ZipMapRows() => ClassifierRows("zipmap-classifier.onnx", "output_label", "output_probability");

    private static TheoryData<double[], long, double> ClassifierRows(string file, string labelOutput, string probabilityOutput)
    {
        var data = new TheoryData<double[], long, double>();
        for (var c = 0; c < 2; c++)
        {
            var rows = ExpectedOutputs.Rows(file, c, "features");
            var outputs = ExpectedOutputs.Outputs(file, c);
            var labels = ExpectedOutputs.Doubles(outputs[labelOutput]!.AsObject());
            var probabilities = ExpectedOutputs.Doubles(outputs[probabilityOutput]!.AsObject());
            for (var i = 0; i < rows.Length; i++)
            {
                data.Add(rows[i], (long)labels[i], probabilities.Skip(i * 3).Take(3).Max());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FraudRows))]
    public async Task Predict_FraudDetectorRow_ReturnsExactlySeedFieldsWithConfidence(double[] features, double positive)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/models/fraud-detector/predict", new { features });

        var body = await HttpAssert.OkJsonAsync(response);
        HttpAssert.HasExactlyProperties(body, PredictionFields);
        Assert.Equal(positive >= 0.5 ? 1 : 0, body.GetProperty("prediction").GetDouble());
        Assert.Equal(Math.Max(positive, 1 - positive), body.GetProperty("probability").GetDouble(), 1e-5);
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("request_id").GetString()));
        Assert.True(body.GetProperty("processing_time_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task Predict_RequestIdInMetadata_EchoesIt()
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict",
            """{"features": [1, 0, 1], "metadata": {"request_id": "order-42", "timestamp": "2024-05-01T12:00:00Z"}}""");

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("order-42", body.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("""{"features": [1, 0, 1]}""")]
    [InlineData("""{"features": [1, 0, 1], "metadata": null}""")]
    [InlineData("""{"features": [1, 0, 1], "metadata": {}}""")]
    [InlineData("""{"features": [1, 0, 1], "metadata": {"request_id": ""}}""")]
    public async Task Predict_NoRequestId_GeneratesAUniqueOne(string json)
    {
        var first = await HttpAssert.OkJsonAsync(await PostJsonAsync("/api/v1/models/fraud-detector/predict", json));
        var second = await HttpAssert.OkJsonAsync(await PostJsonAsync("/api/v1/models/fraud-detector/predict", json));

        var id = first.GetProperty("request_id").GetString();
        Assert.False(string.IsNullOrWhiteSpace(id));
        Assert.NotEqual(id, second.GetProperty("request_id").GetString());
    }

    [Theory]
    [MemberData(nameof(IrisRows))]
    public async Task Predict_IrisClassifier_ReturnsLabelAndMaxClassProbability(double[] features, long label, double probability)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/models/iris-classifier/predict", new { features });

        var body = await HttpAssert.OkJsonAsync(response);
        HttpAssert.HasExactlyProperties(body, PredictionFields);
        Assert.Equal(label, body.GetProperty("prediction").GetDouble());
        Assert.Equal(probability, body.GetProperty("probability").GetDouble(), 1e-5);
    }

    [Theory]
    [MemberData(nameof(ZipMapRows))]
    public async Task Predict_ZipMapClassifier_ReturnsLabelAndMaxOfTheRowsMap(double[] features, long label, double probability)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/models/zipmap-classifier/predict", new { features });

        var body = await HttpAssert.OkJsonAsync(response);
        HttpAssert.HasExactlyProperties(body, PredictionFields);
        Assert.Equal(label, body.GetProperty("prediction").GetDouble());
        Assert.Equal(probability, body.GetProperty("probability").GetDouble(), 1e-5);
    }

    [Fact]
    public async Task BatchPredict_ZipMapClassifier_ReturnsOnePredictionPerRow()
    {
        var rows = ExpectedOutputs.Rows("zipmap-classifier.onnx", 0, "features");
        var labels = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("zipmap-classifier.onnx", 0)["output_label"]!.AsObject());

        var response = await _client.PostAsJsonAsync("/api/v1/models/zipmap-classifier/batch_predict",
            new { requests = rows.Select(features => new { features }).ToArray() });

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal(labels, body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction").GetDouble()));
    }

    [Theory]
    [InlineData("[1, 0]", "2")]
    [InlineData("[1, 0, 1, 0]", "4")]
    public async Task Predict_WrongFeatureCount_Returns400NamingTheExpectedCount(string features, string given)
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", $$"""{"features": {{features}}}""");

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("takes 3 features", detail);
        Assert.Contains($"holds {given}", detail);
    }

    [Fact]
    public async Task Predict_EmptyFeatures_Returns400()
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", """{"features": []}""");

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'features'", detail);
        Assert.Contains("holds 0", detail);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"features": null}""")]
    [InlineData("""{"metadata": {"request_id": "x"}}""")]
    public async Task Predict_MissingFeatures_Returns400(string json)
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", json);

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'features'", detail);
    }

    [Theory]
    [InlineData("""{"features": [1, 0""")]
    [InlineData("""{"features": "1, 0, 1"}""")]
    [InlineData("""{"features": [1, null, 1]}""")]
    [InlineData("[1, 0, 1]")]
    [InlineData("not json")]
    [InlineData("""{"features": [1, 0, 1]} x""")]
    [InlineData("""{"features": [1, 0, 1]}{}""")]
    public async Task Predict_InvalidJson_Returns400WithAReason(string json)
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", json);

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("The body is not valid", detail);
    }

    [Fact]
    public async Task Predict_NullBody_Returns400()
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", "null");

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("empty or null", detail);
    }

    [Fact]
    public async Task Predict_FeatureBeyondFloatRange_Returns400()
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/predict", """{"features": [1, 1e39, 1]}""");

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'features'[1]", detail);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Predict_NonJsonContentType_Returns415Problem(string mediaType)
    {
        var response = await _client.PostAsync("/api/v1/models/fraud-detector/predict",
            new StringContent("""{"features": [1, 0, 1]}""", Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(415, body.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/vnd.maestro+json")]
    public async Task Predict_AnyJsonMediaType_Predicts(string mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"Features": [1, 0, 1], "metadata": {"request_id": "r-1"}}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);

        var body = await HttpAssert.OkJsonAsync(await _client.PostAsync("/api/v1/models/fraud-detector/predict", content));

        Assert.Equal("r-1", body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Predict_Utf16Body_IsDecodedAsItsCharsetSays()
    {
        var response = await _client.PostAsync("/api/v1/models/fraud-detector/predict",
            new StringContent("""{"features": [1, 0, 1], "metadata": {"request_id": "é-1"}}""", Encoding.Unicode, "application/json"));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("é-1", body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Predict_NoContentType_Returns415SayingToSendJson()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"features": [1, 0, 1]}"""));

        var response = await _client.PostAsync("/api/v1/models/fraud-detector/predict", content);

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("Content-Type: application/json", detail);
    }

    [Fact]
    public async Task Predict_UnknownModel_Returns404()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/models/no-such-model/predict", new { features = new[] { 1.0, 0, 1 } });

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no-such-model", detail);
    }

    [Fact]
    public async Task Predict_ModelWithSeveralInputs_Returns400PointingToV2()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/models/multi-type/predict", new { features = new[] { 1.0, 2 } });

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("/v2/models/multi-type/infer", detail);
    }

    [Fact]
    public async Task BatchPredict_ThreeRequests_ReturnsThreePredictionsInOrder()
    {
        var rows = ExpectedOutputs.Rows("fraud-detector.onnx", 0, "features");
        var positives = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("fraud-detector.onnx", 0)["probability"]!.AsObject());
        var requests = new JsonArray(rows.Select((row, i) => (JsonNode)new JsonObject
        {
            ["features"] = new JsonArray(row.Select(v => (JsonNode)v).ToArray()),
            ["metadata"] = new JsonObject { ["request_id"] = $"row-{i}" },
        }).ToArray());

        var response = await PostJsonAsync("/api/v1/models/fraud-detector/batch_predict", new JsonObject { ["requests"] = requests }.ToJsonString());

        var body = await HttpAssert.OkJsonAsync(response);
        HttpAssert.HasExactlyProperties(body, "predictions", "total_processing_time_ms");
        Assert.True(body.GetProperty("total_processing_time_ms").GetDouble() >= 0);
        var predictions = body.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(3, predictions.Length);
        for (var i = 0; i < 3; i++)
        {
            HttpAssert.HasExactlyProperties(predictions[i], PredictionFields);
            Assert.Equal($"row-{i}", predictions[i].GetProperty("request_id").GetString());
            Assert.Equal(positives[i] >= 0.5 ? 1 : 0, predictions[i].GetProperty("prediction").GetDouble());
            Assert.Equal(Math.Max(positives[i], 1 - positives[i]), predictions[i].GetProperty("probability").GetDouble(), 1e-5);
        }
    }

    [Fact]
    public async Task BatchPredict_101Requests_Returns400NamingTheLimit()
    {
        var requests = Enumerable.Range(0, 101).Select(_ => new { features = new[] { 1.0, 0, 1 } }).ToArray();

        var response = await _client.PostAsJsonAsync("/api/v1/models/fraud-detector/batch_predict", new { requests });

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("100", detail);
        Assert.Contains("101", detail);
    }

    [Fact]
    public async Task BatchPredict_100Requests_ReturnsEveryPrediction()
    {
        var requests = Enumerable.Range(0, 100).Select(i => new { features = new[] { i / 10.0, 0, 1 } }).ToArray();

        var response = await _client.PostAsJsonAsync("/api/v1/models/fraud-detector/batch_predict", new { requests });

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal(100, body.GetProperty("predictions").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"requests": []}""", "holds 0")]
    [InlineData("{}", "holds 0")]
    [InlineData("""{"requests": [{"features": [1, 0, 1]}, {}]}""", "Request 1")]
    [InlineData("""{"requests": [null]}""", "Request 0")]
    [InlineData("""{"requests": [{"features": [1, 0, 1]}, {"features": [1, 0]}]}""", "request 1")]
    public async Task BatchPredict_InvalidRequests_Returns400SayingWhich(string json, string expected)
    {
        var response = await PostJsonAsync("/api/v1/models/fraud-detector/batch_predict", json);

        var detail = await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail);
    }

    [Fact]
    public async Task Health_RegisteredModel_ReturnsExactlySeedFields()
    {
        var body = await HttpAssert.OkJsonAsync(await _client.GetAsync("/api/v1/models/iris-classifier/health"));

        HttpAssert.HasExactlyProperties(body, "status", "uptime_seconds", "model_loaded", "model_version");
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("uptime_seconds").GetDouble() >= 0);
        Assert.True(body.GetProperty("model_loaded").GetBoolean());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Health_WorkersClockAdvanced_UptimeIsTheTimeOnThatClock()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync("uptime", "fraud-detector.onnx");
        var before = (await HttpAssert.OkJsonAsync(await host.Client.GetAsync("/api/v1/models/uptime/health"))).GetProperty("uptime_seconds").GetDouble();

        host.Time.Advance(TimeSpan.FromSeconds(90));
        var after = (await HttpAssert.OkJsonAsync(await host.Client.GetAsync("/api/v1/models/uptime/health"))).GetProperty("uptime_seconds").GetDouble();

        Assert.Equal(90, after - before, 1e-9);
    }

    [Fact]
    public async Task Health_UnknownModel_Returns404()
    {
        var response = await _client.GetAsync("/api/v1/models/no-such-model/health");

        await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.NotFound);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
