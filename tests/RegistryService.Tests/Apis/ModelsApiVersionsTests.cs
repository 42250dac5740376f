using System.Net;
using System.Net.Http.Headers;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary>Reading versions back: <c>GET …/versions</c>, <c>GET …/versions/{version}</c> and its artifact.</summary>
public abstract class ModelsApiVersionsTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task GetVersion_Uploaded_ReturnsWhatTheUploadReturned()
    {
        var name = await _client.CreateModelAsync("get-version");
        var uploaded = await _client.UploadSampleAsync(name, RegistryClient.IrisClassifier);

        using var response = await _client.GetAsync($"/api/v1/models/{name}/versions/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(uploaded.GetRawText(), (await response.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task GetVersion_UnknownVersion_Returns404()
    {
        var name = await _client.CreateModelAsync("no-version");
        await _client.UploadSampleAsync(name);

        using var response = await _client.GetAsync($"/api/v1/models/{name}/versions/2");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("no version 2", detail);
    }

    [Fact]
    public async Task GetVersion_UnknownModel_Returns404()
    {
        using var response = await _client.GetAsync("/api/v1/models/no-such-model/versions/1");

        await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListVersions_ThreeUploads_ReturnsNewestFirst()
    {
        var name = await _client.CreateModelAsync("list");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name, RegistryClient.IrisClassifier);
        await _client.UploadSampleAsync(name);

        Assert.Equal(new[] { 3, 2, 1 }, await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task ListVersions_ModelWithoutVersions_ReturnsEmptyList()
    {
        var name = await _client.CreateModelAsync("list-empty");

        Assert.Empty(await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task ListVersions_UnknownModel_Returns404()
    {
        using var response = await _client.GetAsync("/api/v1/models/no-such-model/versions");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("no-such-model", detail);
    }

    [Fact]
    public async Task GetArtifact_Uploaded_ReturnsTheSameBytesWithShaETag()
    {
        var name = await _client.CreateModelAsync("artifact");
        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        await _client.UploadSampleAsync(name);

        using var response = await _client.GetAsync($"/api/v1/models/{name}/versions/1/artifact");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{RegistryClient.Sha256Hex(bytes)}\"", response.Headers.ETag?.Tag);
        Assert.Equal($"{name}-1.onnx", response.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task GetArtifact_TwoDifferentFiles_EachVersionReturnsItsOwnBytes()
    {
        var name = await _client.CreateModelAsync("artifact-two");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name, RegistryClient.IrisClassifier);

        using var first = await _client.GetAsync($"/api/v1/models/{name}/versions/1/artifact");
        using var second = await _client.GetAsync($"/api/v1/models/{name}/versions/2/artifact");

        Assert.Equal(RegistryClient.SampleBytes(RegistryClient.FraudDetector), await first.Content.ReadAsByteArrayAsync());
        Assert.Equal(RegistryClient.SampleBytes(RegistryClient.IrisClassifier), await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetArtifact_IfNoneMatchWithSha_Returns304()
    {
        var name = await _client.CreateModelAsync("artifact-cached");
        var sha = (await _client.UploadSampleAsync(name)).GetProperty("sha256").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/models/{name}/versions/1/artifact");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetArtifact_UnknownVersion_Returns404()
    {
        var name = await _client.CreateModelAsync("artifact-missing");

        using var response = await _client.GetAsync($"/api/v1/models/{name}/versions/1/artifact");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("no version 1", detail);
    }

    [Fact]
    public async Task GetArtifact_UnknownModel_Returns404()
    {
        using var response = await _client.GetAsync("/api/v1/models/no-such-model/versions/1/artifact");

        await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelsApiVersionsTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelsApiVersionsTests(factory), IClassFixture<PostgresRegistryFactory>;
}
