using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.InferenceWorker.Models;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>
/// The V2 routes under <c>/versions/{version}</c>: versions 1 (fraud-detector) and 2 (iris-classifier)
/// of one name are served by number while version 3 (mlp), in Production, serves the name.
/// </summary>
public sealed class V2VersionsApiTests : IAsyncLifetime
{
    private const string Name = "scorer";

    private readonly WorkerHost _host = new();

    public async Task InitializeAsync()
    {
        await _host.UploadAsync(Name, "fraud-detector.onnx");
        await _host.UploadAsync(Name, "iris-classifier.onnx");
        await _host.UploadAsync(Name, "mlp.onnx");
        await _host.TransitionAsync(Name, 3, "Production");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task InferVersion_VersionThatDoesNotServeTheName_RunsThatVersion()
    {
        var body = await HttpAssert.OkJsonAsync(await InferAsync($"/v2/models/{Name}/versions/1/infer", "fraud-detector.onnx", 0));

        Assert.Equal("1", body.GetProperty("model_version").GetString());
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        ExpectedOutputs.AssertTensor(ExpectedOutputs.Outputs("fraud-detector.onnx", 0)["probability"]!.AsObject(), output);
    }

    [Fact]
    public async Task InferVersion_ServingVersion_RunsItLikeTheUnversionedRoute()
    {
        var versioned = await HttpAssert.OkJsonAsync(await InferAsync($"/v2/models/{Name}/versions/3/infer", "mlp.onnx", 1));
        var unversioned = await HttpAssert.OkJsonAsync(await InferAsync($"/v2/models/{Name}/infer", "mlp.onnx", 1));

        Assert.Equal("3", versioned.GetProperty("model_version").GetString());
        Assert.Equal("3", unversioned.GetProperty("model_version").GetString());
        Assert.Empty(Repository.ExplicitVersions);
    }

    [Fact]
    public async Task InferVersion_AfterServingNameWithOtherVersion_BothAnswer()
    {
        var serving = await HttpAssert.OkJsonAsync(await InferAsync($"/v2/models/{Name}/infer", "mlp.onnx", 0));
        var older = await HttpAssert.OkJsonAsync(await InferAsync($"/v2/models/{Name}/versions/2/infer", "iris-classifier.onnx", 0));

        Assert.Equal("3", serving.GetProperty("model_version").GetString());
        Assert.Equal("2", older.GetProperty("model_version").GetString());
        Assert.Equal([(Name, 2)], Repository.ExplicitVersions);
    }

    [Theory]
    [InlineData("7", "has no version 7")]
    [InlineData("0", "has no version '0'")]
    [InlineData("one", "has no version 'one'")]
    [InlineData("-1", "has no version '-1'")]
    public async Task InferVersion_UnknownVersion_Returns404Error(string version, string expected)
    {
        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync($"/v2/models/{Name}/versions/{version}/infer", "fraud-detector.onnx", 1), HttpStatusCode.NotFound);

        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task InferVersion_UnknownModel_Returns404Error()
    {
        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync("/v2/models/no-such-model/versions/1/infer", "fraud-detector.onnx", 1), HttpStatusCode.NotFound);

        Assert.Contains("No model named 'no-such-model'", error);
    }

    [Fact]
    public async Task InferVersion_InputsOfAnotherVersion_Returns400NamingThisVersionsInputs()
    {
        var error = await HttpAssert.V2ErrorAsync(
            await InferAsync($"/v2/models/{Name}/versions/1/infer", "mlp.onnx", 1), HttpStatusCode.BadRequest);

        Assert.Contains("no input 'input'", error);
    }

    [Fact]
    public async Task VersionMetadata_OlderVersion_DescribesThatVersion()
    {
        var body = await HttpAssert.OkJsonAsync(await _host.Client.GetAsync($"/v2/models/{Name}/versions/2"));

        Assert.Equal(Name, body.GetProperty("name").GetString());
        Assert.Equal(["2"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["label", "probabilities"], body.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task VersionMetadata_UnknownVersion_Returns404Error()
    {
        await HttpAssert.V2ErrorAsync(await _host.Client.GetAsync($"/v2/models/{Name}/versions/9"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    public async Task VersionReady_RegisteredVersion_Returns200Ready(string version)
    {
        var body = await HttpAssert.OkJsonAsync(await _host.Client.GetAsync($"/v2/models/{Name}/versions/{version}/ready"));

        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task VersionReady_UnknownVersion_Returns404Error()
    {
        await HttpAssert.V2ErrorAsync(await _host.Client.GetAsync($"/v2/models/{Name}/versions/4/ready"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task VersionReady_ArtifactThisWorkerCannotLoad_Returns503Error()
    {
        // The worker trusts files in its artifact cache (they were checked on download); a damaged one
        // is what a model that ONNX Runtime cannot load here looks like.
        var version = await _host.Registry.GetFromJsonAsync<JsonElement>($"/api/v1/models/{Name}/versions/1");
        Directory.CreateDirectory(Path.Combine(_host.WorkerData, "models"));
        await File.WriteAllTextAsync(Path.Combine(_host.WorkerData, "models", version.GetProperty("sha256").GetString() + ".onnx"), "not onnx");

        var error = await HttpAssert.V2ErrorAsync(await _host.Client.GetAsync($"/v2/models/{Name}/versions/1/ready"), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("could not be loaded", error);
    }

    private ModelRepository Repository => _host.WorkerServices.GetRequiredService<ModelRepository>();

    private Task<HttpResponseMessage> InferAsync(string path, string file, int index) =>
        _host.Client.PostAsync(path, new StringContent(ExpectedOutputs.V2Request(file, index).ToJsonString(), Encoding.UTF8, "application/json"));
}
