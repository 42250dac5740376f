using System.Globalization;
using System.Net;
using System.Text.Json;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Gateway;

/// <summary>
/// Calls the gateway with the API key in <c>X-API-Key</c>. A 429, or a 503 with <c>Retry-After</c>, is
/// retried after that delay up to <see cref="Retries"/> times; a connection failure only for idempotent
/// methods. Any other error becomes a <see cref="GatewayException"/>.
/// </summary>
internal sealed class GatewayClient(HttpClient http, string apiKey, Action<string>? notice = null) : IDisposable
{
    public const int Retries = 3;

    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(60);

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>The answer's JSON, or <c>null</c> for an empty answer (204).</summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content?.Invoke() };
            request.Headers.TryAddWithoutValidation("X-API-Key", apiKey);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (idempotent && attempt < Retries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), cancellationToken);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"Cannot reach the gateway at {http.BaseAddress}: {e.Message}");
            }

            var status = (int)response.StatusCode;
            var wait = RetryAfter(response);
            if (attempt < Retries && (status == 429 || (status == 503 && wait is not null)))
            {
                response.Dispose();
                var delay = Min(wait ?? TimeSpan.FromSeconds(1), MaxRetryWait);
                notice?.Invoke($"{status} {response.ReasonPhrase}: retrying in {delay.TotalSeconds:0.#} s (retry {attempt + 1} of {Retries})");
                await Task.Delay(delay, cancellationToken);
                continue;
            }

            if (status >= 400)
            {
                using (response)
                {
                    throw await ErrorAsync(response, cancellationToken);
                }
            }

            return response;
        }
    }

    private static async Task<GatewayException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? detail = null;
        string? requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                detail = Text(root, "detail") ?? Text(root, "error") ?? Text(root, "message") ?? Text(root, "title");
                requestId ??= Text(root, "requestId") ?? Text(root, "traceId");
            }
        }
        catch (JsonException)
        {
            detail = body.Length > 0 ? body : null;
        }

        return new GatewayException((int)response.StatusCode, response.ReasonPhrase ?? response.StatusCode.ToString(), detail, requestId);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : b;

    public void Dispose() => http.Dispose();

    public static GatewayClient Create(string url, string apiKey, Action<string>? notice = null)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliException($"'{url}' is not an http(s) URL of a Maestro gateway (e.g. http://localhost:8000).");
        }

        return new GatewayClient(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) }, apiKey, notice);
    }

    internal static bool IsNotFound(GatewayException e) => e.Status == (int)HttpStatusCode.NotFound;
}
