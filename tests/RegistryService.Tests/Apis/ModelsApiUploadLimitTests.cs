using System.Net;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary>Uploads past <c>Registry:MaxUploadBytes</c>, on a registry configured with a tiny limit.</summary>
public abstract class ModelsApiUploadLimitTests(SmallUploadLimitRegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task UploadVersion_LargerThanMaxUploadBytes_Returns413AndRecordsNothing()
    {
        var name = await _client.CreateModelAsync("too-large");
        var bytes = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        Assert.True(bytes.Length > SmallUploadLimitRegistryFactory.MaxUploadBytes);

        using var response = await _client.UploadAsync(name, bytes);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Registry:MaxUploadBytes", detail);
        Assert.Empty(await _client.ListVersionNumbersAsync(name));
        Assert.Empty(factory.ArtifactFiles());
        Assert.Empty(factory.ScratchFiles());
    }

    [Fact]
    public async Task UploadVersion_ExactlyMaxUploadBytes_IsNotRejectedForSize()
    {
        var name = await _client.CreateModelAsync("at-limit");

        using var response = await _client.UploadAsync(name, new byte[SmallUploadLimitRegistryFactory.MaxUploadBytes]);

        // Not a model, so ONNX Runtime refuses it; the size limit let it through.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    public sealed class OnSqlite(SmallUploadLimitRegistryFactory factory) : ModelsApiUploadLimitTests(factory), IClassFixture<SmallUploadLimitRegistryFactory>;

    public sealed class OnPostgres(PostgresSmallUploadLimitRegistryFactory factory) : ModelsApiUploadLimitTests(factory), IClassFixture<PostgresSmallUploadLimitRegistryFactory>;
}
