using Maestro.Testing;

namespace Maestro.RegistryService.Tests.Extensions;

/// <summary>
/// Uploads and stage changes as an operator sees them on <c>/metrics</c>. Meters are process-wide and
/// other test classes run registries at the same time, so the test compares before and after.
/// </summary>
public abstract class RegistryMetricsTests
{
    private readonly HttpClient _client;

    protected RegistryMetricsTests(RegistryFactory factory) => _client = factory.CreateClient();

    [Fact]
    public async Task Metrics_UploadsAndPromotion_AreCountedByOutcomeAndStage()
    {
        var name = await _client.CreateModelAsync("metered");
        var before = await _client.GetStringAsync("/metrics");

        await _client.UploadSampleAsync(name);
        using (await _client.UploadAsync(name, [1, 2, 3]))
        {
        }

        using (await _client.TransitionAsync(name, 1, "Production"))
        {
        }

        var after = await _client.GetStringAsync("/metrics");
        Assert.True(Sample(after, "maestro_registry_uploads_total", "outcome=\"accepted\"") - Sample(before, "maestro_registry_uploads_total", "outcome=\"accepted\"") >= 1);
        Assert.True(Sample(after, "maestro_registry_uploads_total", "outcome=\"invalid_model\"") - Sample(before, "maestro_registry_uploads_total", "outcome=\"invalid_model\"") >= 1);
        Assert.True(Sample(after, "maestro_registry_stage_transitions_total", "stage=\"Production\"") >= 1);
        Assert.True(Sample(after, "maestro_registry_uploaded_bytes_total") >= RegistryClient.SampleBytes(RegistryClient.FraudDetector).Length);
    }

    private static double Sample(string metrics, string metric, params string[] labels) => PrometheusText.Sum(metrics, metric, labels);

    [Collection(MetricsCollection.Name)]
    public sealed class OnSqlite(RegistryFactory factory) : RegistryMetricsTests(factory), IClassFixture<RegistryFactory>;

    [Collection(MetricsCollection.Name)]
    public sealed class OnPostgres(PostgresRegistryFactory factory) : RegistryMetricsTests(factory), IClassFixture<PostgresRegistryFactory>;
}
