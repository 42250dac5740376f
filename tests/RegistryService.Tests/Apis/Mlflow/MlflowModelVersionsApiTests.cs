using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary><c>/api/2.0/mlflow/model-versions/*</c>: MLflow's shapes and error codes.</summary>
public abstract class MlflowModelVersionsApiTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Create_FromModelsUri_SharesTheArtifactAndRecordsTheOrigin()
    {
        var source = await _client.ModelWithVersionsAsync("ml-source", 1);
        var target = await _client.MlflowCreateModelAsync("ml-target");
        using var request = new HttpRequestMessage(HttpMethod.Post, MlflowCalls.Prefix + "model-versions/create")
        {
            Content = JsonContent.Create(new
            {
                name = target,
                source = $"models:/{source}/1",
                run_id = "0123456789abcdef",
                run_link = "http://mlflow.example/#/runs/0123456789abcdef",
                description = "promoted copy",
                tags = new[] { new { key = "origin", value = "mlflow" } },
            }),
        };
        request.Headers.Add("X-Maestro-Caller", "alice");

        var version = (await _client.SendAsync(request).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal(target, version.GetProperty("name").GetString());
        Assert.Equal("1", version.GetProperty("version").GetString());
        Assert.Equal($"models:/{source}/1", version.GetProperty("source").GetString());
        Assert.Equal("0123456789abcdef", version.GetProperty("run_id").GetString());
        Assert.Equal("http://mlflow.example/#/runs/0123456789abcdef", version.GetProperty("run_link").GetString());
        Assert.Equal("alice", version.GetProperty("user_id").GetString());
        Assert.Equal("promoted copy", version.GetProperty("description").GetString());
        Assert.Equal("None", version.GetProperty("current_stage").GetString());
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Equal("mlflow", version.GetProperty("tags").TagMap()["origin"]);
        var copied = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{target}/versions/1");
        Assert.Equal(RegistryClient.Sha256Hex(RegistryClient.SampleBytes(RegistryClient.FraudDetector)), copied.GetProperty("sha256").GetString());
        Assert.Equal("features", copied.GetProperty("signature").GetProperty("inputs")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("models:/{0}/2", "2")]
    [InlineData("models:/{0}/latest", "3")]
    [InlineData("models:/{0}/production", "1")]
    [InlineData("models:/{0}@champion", "2")]
    public async Task Create_FromEachModelsUriForm_PicksThatVersionsArtifact(string sourceFormat, string expectedVersion)
    {
        var source = await _client.CreateModelAsync("ml-forms");
        await _client.UploadSampleAsync(source, RegistryClient.IrisClassifier);
        await _client.UploadSampleAsync(source, RegistryClient.FraudDetector);
        await _client.UploadSampleAsync(source, RegistryClient.IrisClassifier);
        (await _client.TransitionAsync(source, 1, "Production")).Dispose();
        await _client.MlflowPostAsync("registered-models/alias", new { name = source, alias = "champion", version = "2" }).OkJsonAsync();
        var target = await _client.MlflowCreateModelAsync("ml-forms-target");

        await _client.MlflowPostAsync("model-versions/create", new { name = target, source = string.Format(sourceFormat, source) }).OkJsonAsync();

        var expected = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{source}/versions/{expectedVersion}");
        var created = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{target}/versions/1");
        Assert.Equal(expected.GetProperty("sha256").GetString(), created.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Create_FromADownloadUri_SharesThatArtifact()
    {
        var source = await _client.ModelWithVersionsAsync("ml-uri-source", 1);
        var uri = (await _client.MlflowGetAsync("model-versions/get-download-uri", ("name", source), ("version", "1")).OkJsonAsync())
            .GetProperty("artifact_uri").GetString()!;

        var version = (await _client.MlflowPostAsync("model-versions/create", new { name = source, source = uri }).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal("2", version.GetProperty("version").GetString());
        Assert.Equal(uri, version.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("runs:/0123456789abcdef/model")]
    [InlineData("s3://bucket/models/fraud")]
    [InlineData("mlflow-artifacts:/1/abc/artifacts/model")]
    [InlineData("/tmp/model.onnx")]
    [InlineData("https://elsewhere.example/api/v1/models/x/versions/1/artifact")]
    public async Task Create_FromASourceMaestroCannotFetch_Returns400SayingHowToUpload(string source)
    {
        var name = await _client.MlflowCreateModelAsync("ml-unfetchable");

        var message = await _client.MlflowPostAsync("model-versions/create", new { name, source }).InvalidParameterAsync();

        Assert.Contains(source, message);
        Assert.Contains("POST /api/v1/models/{name}/versions", message);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
    }

    [Theory]
    [InlineData("models:/no-such-model/1", "names no model version")]
    [InlineData("models:/{0}/7", "names no model version")]
    [InlineData("models:/{0}/Staging", "names no model version")]
    [InlineData("models:/{0}@nobody", "names no model version")]
    [InlineData("models:/{0}/nightly", "neither a version number")]
    [InlineData("models:/{0}", "is not a models:/ URI")]
    public async Task Create_FromAModelsUriNamingNothing_Returns400(string sourceFormat, string expected)
    {
        var name = await _client.ModelWithVersionsAsync("ml-nothing", 1);

        var message = await _client.MlflowPostAsync("model-versions/create", new { name, source = string.Format(sourceFormat, name) }).InvalidParameterAsync();

        Assert.Contains(expected, message);
        Assert.Equal(new[] { 1 }, await _client.ListVersionNumbersAsync(name));
    }

    [Fact]
    public async Task Create_UnknownModel_Returns404_AndWithoutSource_Returns400()
    {
        var source = await _client.ModelWithVersionsAsync("ml-create-errors", 1);

        await _client.MlflowPostAsync("model-versions/create", new { name = "no-such-model", source = $"models:/{source}/1" }).DoesNotExistAsync();
        Assert.Contains("'source'", await _client.MlflowPostAsync("model-versions/create", new { name = source }).InvalidParameterAsync());
    }

    [Fact]
    public async Task Get_UploadedVersion_HasMlflowShapeWithItsDownloadUriAsSource()
    {
        var name = await _client.ModelWithVersionsAsync("ml-get-version", 1);

        var version = (await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", "1")).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal("1", version.GetProperty("version").GetString());
        Assert.Equal($"http://localhost/api/v1/models/{name}/versions/1/artifact", version.GetProperty("source").GetString());
        Assert.False(version.TryGetProperty("run_id", out _));
        Assert.Equal(JsonValueKind.Number, version.GetProperty("creation_timestamp").ValueKind);
        Assert.Empty(version.GetProperty("tags").EnumerateArray());
        Assert.Empty(version.GetProperty("aliases").EnumerateArray());
    }

    [Theory]
    [InlineData("9", HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData("one", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("0", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("-1", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    public async Task Get_BadOrUnknownVersion_AnswersMlflowError(string version, HttpStatusCode status, string code)
    {
        var name = await _client.ModelWithVersionsAsync("ml-get-bad", 1);

        var message = await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", version)).MlflowErrorAsync(status, code);

        Assert.Contains(version, message);
    }

    [Fact]
    public async Task Update_Description_IsStored_AndUnknownVersionIs404()
    {
        var name = await _client.ModelWithVersionsAsync("ml-update-version", 1);

        var version = (await _client.MlflowPatchAsync("model-versions/update", new { name, version = "1", description = "retrained" }).OkJsonAsync())
            .GetProperty("model_version");

        Assert.Equal("retrained", version.GetProperty("description").GetString());
        Assert.Equal("retrained", (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions/1")).GetProperty("description").GetString());
        await _client.MlflowPatchAsync("model-versions/update", new { name, version = "2", description = "x" }).DoesNotExistAsync();
    }

    [Fact]
    public async Task Delete_Version_RemovesIt_AndAProductionVersionIsRefused()
    {
        var name = await _client.ModelWithVersionsAsync("ml-delete-version", 2);
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();

        var deleted = await _client.MlflowDeleteAsync("model-versions/delete", new { name, version = "1" }).OkJsonAsync();
        var refused = await _client.MlflowDeleteAsync("model-versions/delete", new { name, version = "2" }).InvalidParameterAsync();

        Assert.Empty(deleted.EnumerateObject());
        Assert.Contains("Production", refused);
        Assert.Equal(new[] { 2 }, await _client.ListVersionNumbersAsync(name));
        await _client.MlflowDeleteAsync("model-versions/delete", new { name, version = "1" }).DoesNotExistAsync();
    }

    [Fact]
    public async Task TransitionStage_WithArchiveExistingVersions_ArchivesTheOthersInThatStage()
    {
        var name = await _client.ModelWithVersionsAsync("ml-transition", 3);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.TransitionAsync(name, 2, "Staging")).Dispose();

        var version = (await _client.MlflowPostAsync("model-versions/transition-stage",
            new { name, version = "3", stage = "production", archive_existing_versions = true }).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal("Production", version.GetProperty("current_stage").GetString());
        Assert.Equal("Archived", await _client.StageOfAsync(name, 1));
        Assert.Equal("Staging", await _client.StageOfAsync(name, 2));
    }

    [Fact]
    public async Task TransitionStage_WithoutArchiving_KeepsTheOthers()
    {
        var name = await _client.ModelWithVersionsAsync("ml-transition-keep", 2);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();

        await _client.MlflowPostAsync("model-versions/transition-stage",
            new { name, version = "2", stage = "Production", archive_existing_versions = false }).OkJsonAsync();

        Assert.Equal("Production", await _client.StageOfAsync(name, 1));
        Assert.Equal("Production", await _client.StageOfAsync(name, 2));
    }

    [Theory]
    [InlineData("Live", false, "Live")]
    [InlineData("Archived", true, "archive_existing_versions")]
    [InlineData("None", true, "archive_existing_versions")]
    public async Task TransitionStage_BadStageOrArchiving_Returns400AndChangesNothing(string stage, bool archive, string expected)
    {
        var name = await _client.ModelWithVersionsAsync("ml-transition-bad", 1);

        var message = await _client.MlflowPostAsync("model-versions/transition-stage",
            new { name, version = "1", stage, archive_existing_versions = archive }).InvalidParameterAsync();

        Assert.Contains(expected, message);
        Assert.Equal("None", await _client.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task TransitionStage_UnknownVersion_Returns404()
    {
        var name = await _client.ModelWithVersionsAsync("ml-transition-missing", 1);

        await _client.MlflowPostAsync("model-versions/transition-stage",
            new { name, version = "5", stage = "Staging", archive_existing_versions = false }).DoesNotExistAsync();
    }

    [Fact]
    public async Task GetDownloadUri_PointsAtTheArtifact_WhichDownloadsTheUploadedBytes()
    {
        var name = await _client.ModelWithVersionsAsync("ml-download", 1);

        var uri = (await _client.MlflowGetAsync("model-versions/get-download-uri", ("name", name), ("version", "1")).OkJsonAsync())
            .GetProperty("artifact_uri").GetString()!;
        var bytes = await _client.GetByteArrayAsync(uri);

        Assert.Equal(RegistryClient.SampleBytes(RegistryClient.FraudDetector), bytes);
        await _client.MlflowGetAsync("model-versions/get-download-uri", ("name", name), ("version", "2")).DoesNotExistAsync();
    }

    [Fact]
    public async Task GetDownloadUri_ThroughTheGateway_UsesTheForwardedHost()
    {
        var name = await _client.ModelWithVersionsAsync("ml-download-forwarded", 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{MlflowCalls.Prefix}model-versions/get-download-uri?name={name}&version=1");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "maestro.example:8443");

        var uri = (await _client.SendAsync(request).OkJsonAsync()).GetProperty("artifact_uri").GetString();

        Assert.Equal($"https://maestro.example:8443/api/v1/models/{name}/versions/1/artifact", uri);
    }

    [Fact]
    public async Task SetTag_ThenDeleteTag_OnAVersion()
    {
        var name = await _client.ModelWithVersionsAsync("ml-version-tags", 1);

        await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "1", key = "validated", value = "yes" }).OkJsonAsync();
        var tagged = (await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", "1")).OkJsonAsync()).GetProperty("model_version");
        await _client.MlflowDeleteAsync("model-versions/delete-tag", new { name, version = "1", key = "validated" }).OkJsonAsync();
        await _client.MlflowDeleteAsync("model-versions/delete-tag", new { name, version = "1", key = "validated" }).OkJsonAsync();
        var untagged = (await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", "1")).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal("yes", tagged.GetProperty("tags").TagMap()["validated"]);
        Assert.Empty(untagged.GetProperty("tags").EnumerateArray());
        await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "4", key = "k", value = "v" }).DoesNotExistAsync();
        await _client.MlflowDeleteAsync("model-versions/delete-tag", new { name, version = "4", key = "k" }).DoesNotExistAsync();
        Assert.Contains("'value'", await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "1", key = "k" }).InvalidParameterAsync());
    }

    public sealed class OnSqlite(RegistryFactory factory) : MlflowModelVersionsApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : MlflowModelVersionsApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
