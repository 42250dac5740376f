using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>POST /api/v1/models/{name}/versions</c>: multipart upload of an ONNX file.</summary>
public abstract class ModelsApiUploadTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task UploadVersion_OnnxFile_Returns201WithShaSizeAndSignature()
    {
        var name = await _client.CreateModelAsync("upload");
        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);

        using var response = await _client.UploadAsync(name, bytes);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/models/{name}/versions/1", response.Headers.Location?.OriginalString);
        var version = await response.ReadJsonAsync();
        Assert.Equal(name, version.GetProperty("name").GetString());
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal("None", version.GetProperty("current_stage").GetString());
        Assert.Equal(RegistryClient.Sha256Hex(bytes), version.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, version.GetProperty("size_bytes").GetInt64());
        Assert.Equal("maestro-samples", version.GetProperty("producer").GetString());
        Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), version.GetProperty("creation_timestamp").GetInt64());
        var signature = version.GetProperty("signature");
        AssertTensors(signature.GetProperty("inputs"), ("features", "FP32", [-1, 3]));
        AssertTensors(signature.GetProperty("outputs"), ("probability", "FP32", [-1, 1]));
    }

    [Fact]
    public async Task UploadVersion_SecondUpload_GetsVersion2()
    {
        var name = await _client.CreateModelAsync("second");
        await _client.UploadSampleAsync(name);

        var second = await _client.UploadSampleAsync(name, RegistryClient.IrisClassifier);

        Assert.Equal(2, second.GetProperty("version").GetInt32());
        AssertTensors(second.GetProperty("signature").GetProperty("outputs"), ("label", "INT64", [-1]), ("probabilities", "FP32", [-1, 3]));
        Assert.Equal(new[] { 2, 1 }, await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task UploadVersion_DescriptionField_RecordsDescription()
    {
        var name = await _client.CreateModelAsync("described");

        using var response = await _client.UploadAsync(name, RegistryClient.SampleBytes(RegistryClient.FraudDetector), "retrained on March data");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var get = await _client.GetAsync($"/api/v1/models/{name}/versions/1");
        Assert.Equal("retrained on March data", (await get.ReadJsonAsync()).GetProperty("description").GetString());
    }

    [Fact]
    public async Task UploadVersion_DescriptionOverLimit_Returns400AndRecordsNothing()
    {
        var name = await _client.CreateModelAsync("long-description");

        using var response = await _client.UploadAsync(name, RegistryClient.SampleBytes(RegistryClient.FraudDetector), new string('d', 5001));
        using var atLimit = await _client.UploadAsync(name, RegistryClient.SampleBytes(RegistryClient.FraudDetector), new string('d', 5000));

        Assert.Contains("5000", await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(new[] { 1 }, await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task UploadVersion_GarbageBytes_Returns422WithRuntimeReasonAndRecordsNothing()
    {
        var name = await _client.CreateModelAsync("garbage");
        await _client.UploadSampleAsync(name);
        var garbage = Encoding.UTF8.GetBytes("this is not an ONNX model, just some text that protobuf cannot parse \u0001\u0002\u0003");
        var artifactsBefore = factory.ArtifactFiles().Order().ToArray();

        using var response = await _client.UploadAsync(name, garbage);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("ONNX Runtime cannot load the file: ", detail);
        Assert.Contains("Protobuf parsing failed", detail);
        Assert.DoesNotContain(factory.DataDirectory, detail);
        Assert.Equal(new[] { 1 }, await _client.ListVersionNumbersAsync(name));
        Assert.Equal(artifactsBefore, factory.ArtifactFiles().Order().ToArray());
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_GarbageBytes_DoesNotUseUpAVersionNumber()
    {
        var name = await _client.CreateModelAsync("garbage-number");
        using (var rejected = await _client.UploadAsync(name, [1, 2, 3, 4, 5, 6, 7, 8]))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        }

        var accepted = await _client.UploadSampleAsync(name);

        Assert.Equal(1, accepted.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task UploadVersion_EmptyFile_Returns422AndRecordsNothing()
    {
        var name = await _client.CreateModelAsync("empty");

        using var response = await _client.UploadAsync(name, []);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("empty", detail);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_NoFileField_Returns400NamingTheField()
    {
        var name = await _client.CreateModelAsync("nofile");
        using var content = new MultipartFormDataContent { { new StringContent("a description only"), "description" } };

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'file'", detail);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task UploadVersion_FileInAnotherField_Returns400()
    {
        var name = await _client.CreateModelAsync("otherfield");
        using var content = new MultipartFormDataContent { { new ByteArrayContent(RegistryClient.SampleBytes(RegistryClient.FraudDetector)), "model", "model.onnx" } };

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_RawBodyNotMultipart_Returns415()
    {
        var name = await _client.CreateModelAsync("raw");
        using var content = new ByteArrayContent(RegistryClient.SampleBytes(RegistryClient.FraudDetector));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task UploadVersion_MultipartWithoutBoundaryParameter_Returns415NamingTheFormat()
    {
        var name = await _client.CreateModelAsync("no-boundary");
        using var content = new ByteArrayContent(RegistryClient.SampleBytes(RegistryClient.FraudDetector));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("multipart/form-data", detail);
        Assert.Contains("'file'", detail);
    }

    [Fact]
    public async Task UploadVersion_BodyWithoutTheDeclaredBoundary_Returns400()
    {
        var name = await _client.CreateModelAsync("wrong-boundary");
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes("--another-boundary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=declared-boundary");

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("--declared-boundary--", detail);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task UploadVersion_BodyEndingInsideTheFile_Returns400AndLeavesNoScratchFile()
    {
        var name = await _client.CreateModelAsync("cut-off");
        var model = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        var body = Encoding.ASCII.GetBytes("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n\r\n")
            .Concat(model).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b0undary");

        using var response = await _client.PostAsync($"/api/v1/models/{name}/versions", content);

        await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_UnknownModel_Returns404()
    {
        using var response = await _client.UploadAsync("never-registered", RegistryClient.SampleBytes(RegistryClient.FraudDetector));

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("never-registered", detail);
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_SameFileTwice_StoresOneArtifactUnderTwoVersions()
    {
        var name = await _client.CreateModelAsync("dedup");
        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);

        var first = await _client.UploadSampleAsync(name);
        var second = await _client.UploadSampleAsync(name);

        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(first.GetProperty("sha256").GetString(), second.GetProperty("sha256").GetString());
        Assert.Single(factory.ArtifactFiles(), path => File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes));
    }

    [Fact]
    public async Task UploadVersion_TwentyConcurrentUploads_GetVersions1To20()
    {
        var name = await _client.CreateModelAsync("concurrent");
        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.UploadAsync(name, bytes)));

        var numbers = new List<int>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                numbers.Add((await response.ReadJsonAsync()).GetProperty("version").GetInt32());
            }
        }

        Assert.Equal(Enumerable.Range(1, 20), numbers.Order());
        Assert.Equal(Enumerable.Range(1, 20).Reverse(), await _client.ListVersionNumbersAsync(name));
        Assert.Empty(factory.ScratchFiles());
    }

    private static void AssertTensors(JsonElement tensors, params (string Name, string Datatype, long[] Shape)[] expected)
    {
        var actual = tensors.EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("datatype").GetString()!,
                string.Join(",", t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))))
            .ToArray();
        Assert.Equal(expected.Select(e => (e.Name, e.Datatype, string.Join(",", e.Shape))), actual);
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelsApiUploadTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelsApiUploadTests(factory), IClassFixture<PostgresRegistryFactory>;
}
