using System.Globalization;
using System.Net;
using System.Text.Json;
using Maestro.Contracts;

namespace Maestro.InferenceWorker.Registry;

/// <summary>
/// The registry as the worker sees it: which versions a model has and their artifacts. Reached by
/// discovery name, with the standard resilience pipeline from ServiceDefaults.
/// </summary>
internal sealed class RegistryClient(HttpClient http)
{
    /// <summary>The registry's JSON: snake_case names.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The model, or <c>null</c> when the registry has no model by that name.</summary>
    public Task<RegistryModel?> GetModelAsync(string name, CancellationToken cancellationToken) =>
        GetAsync<RegistryModel>($"api/v1/models/{Uri.EscapeDataString(name)}", cancellationToken);

    public Task<RegistryModelVersion?> GetVersionAsync(string name, int version, CancellationToken cancellationToken) =>
        GetAsync<RegistryModelVersion>($"api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}", cancellationToken);

    /// <summary>
    /// The registry's changes after <paramref name="since"/> (at most <paramref name="maxResults"/>), or
    /// <c>null</c> when the registry has no change feed (an older registry answers 404).
    /// </summary>
    public Task<ChangePage?> GetChangesAsync(long since, int maxResults, CancellationToken cancellationToken) =>
        GetAsync<ChangePage>(
            string.Create(CultureInfo.InvariantCulture, $"api/v1/changes?since={since}&max_results={maxResults}"), cancellationToken);

    /// <summary>One page of registered models, after <paramref name="pageToken"/> when given.</summary>
    public async Task<RegistryModelPage> ListModelsAsync(string? pageToken, CancellationToken cancellationToken)
    {
        var path = pageToken is null ? "api/v1/models?max_results=1000" : $"api/v1/models?max_results=1000&page_token={Uri.EscapeDataString(pageToken)}";
        return await GetAsync<RegistryModelPage>(path, cancellationToken)
            ?? throw new RegistryUnavailableException("The model registry answered 404 to the list of models.");
    }

    /// <summary>Streams a version's ONNX file into <paramref name="target"/>.</summary>
    public async Task DownloadArtifactAsync(string name, int version, Stream target, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(
                $"api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/artifact",
                HttpCompletionOption.ResponseHeadersRead,
                cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(target, cancellationToken);
        }
        catch (Exception ex) when (IsRegistryFailure(ex, cancellationToken))
        {
            throw new RegistryUnavailableException($"Downloading {name} version {version} from the registry failed: {ex.Message}", ex);
        }
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        }
        catch (Exception ex) when (IsRegistryFailure(ex, cancellationToken))
        {
            throw new RegistryUnavailableException($"The model registry did not answer: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Failures of the registry or the way to it — refused or reset connections, error statuses,
    /// timeouts and an open circuit from the resilience pipeline, an answer that is not the JSON we
    /// expect — as opposed to the caller giving up (<paramref name="cancellationToken"/>).
    /// </summary>
    private static bool IsRegistryFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or JsonException or IOException => true,
        Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
