using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.InferenceWorker.Tests.Apis;

/// <summary>Triton's model repository extension: index, explicit load and unload, with V2 errors.</summary>
public sealed class RepositoryApiTests : IAsyncLifetime
{
    private readonly WorkerHost _host = new();

    public async Task InitializeAsync()
    {
        await _host.UploadAsync("alpha", "fraud-detector.onnx");
        await _host.UploadAsync("beta", "mlp.onnx");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Index_OneModelServed_ListsItReadyAndTheOtherUnloaded()
    {
        await PredictAlphaAsync();

        var index = await IndexAsync(null);

        Assert.Equal(2, index.Length);
        HttpAssert.HasExactlyProperties(index[0], "name", "version", "state");
        Assert.Equal(("alpha", "1", "READY"), (Text(index[0], "name"), Text(index[0], "version"), Text(index[0], "state")));
        HttpAssert.HasExactlyProperties(index[1], "name", "state", "reason");
        Assert.Equal(("beta", "UNAVAILABLE", "unloaded"), (Text(index[1], "name"), Text(index[1], "state"), Text(index[1], "reason")));
    }

    [Fact]
    public async Task Index_ReadyOnly_ListsOnlyLoadedModels()
    {
        await PredictAlphaAsync();

        var index = await IndexAsync("""{"ready": true}""");

        Assert.Equal("alpha", Text(Assert.Single(index), "name"));
    }

    [Fact]
    public async Task Index_ReadyNotABoolean_Answers400Error()
    {
        var response = await _host.Client.PostAsync("/v2/repository/index", Json("""{"ready": "yes"}"""));

        Assert.Contains("ready", await HttpAssert.V2ErrorAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_RegisteredModel_LoadsItBeforeAnyRequest()
    {
        var response = await _host.Client.PostAsync("/v2/repository/models/beta/load", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var beta = (await IndexAsync("""{"ready": true}""")).Single(e => Text(e, "name") == "beta");
        Assert.Equal(("1", "READY"), (Text(beta, "version"), Text(beta, "state")));
    }

    [Fact]
    public async Task Load_AfterPromotion_ServesTheNewVersionAtOnce()
    {
        await PredictAlphaAsync();
        await _host.UploadAsync("alpha", "fraud-detector-v2.onnx");
        await _host.TransitionAsync("alpha", 2, "Production");

        // No clock moves: the explicit load asks the registry itself.
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/v2/repository/models/alpha/load", null)).StatusCode);

        Assert.Equal("2", await PredictAlphaAsync());
    }

    [Fact]
    public async Task Load_UnknownModel_Answers404Error()
    {
        var response = await _host.Client.PostAsync("/v2/repository/models/nobody/load", null);

        Assert.Contains("nobody", await HttpAssert.V2ErrorAsync(response, HttpStatusCode.NotFound), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_WithConfigParameters_Answers400Error()
    {
        var response = await _host.Client.PostAsync("/v2/repository/models/beta/load", Json("""{"parameters": {"config": "{}"}}"""));

        Assert.Contains("not supported", await HttpAssert.V2ErrorAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unload_LoadedModel_UnloadsItAndTheNextRequestLoadsItAgain()
    {
        await PredictAlphaAsync();

        var response = await _host.Client.PostAsync("/v2/repository/models/alpha/unload", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await IndexAsync("""{"ready": true}"""));
        Assert.Equal("1", await PredictAlphaAsync());
    }

    [Fact]
    public async Task Unload_ModelNotLoaded_Answers404Error()
    {
        var response = await _host.Client.PostAsync("/v2/repository/models/beta/unload", null);

        Assert.Contains("not loaded", await HttpAssert.V2ErrorAsync(response, HttpStatusCode.NotFound), StringComparison.Ordinal);
    }

    private async Task<string> PredictAlphaAsync()
    {
        var response = await _host.Client.PostAsJsonAsync("/api/v1/models/alpha/predict", new { features = new[] { 1.0, 0, 1 } });
        return (await HttpAssert.OkJsonAsync(response)).GetProperty("model_version").GetString()!;
    }

    private async Task<JsonElement[]> IndexAsync(string? body)
    {
        var response = await _host.Client.PostAsync("/v2/repository/index", body is null ? null : Json(body));
        return [.. (await HttpAssert.OkJsonAsync(response)).EnumerateArray()];
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
