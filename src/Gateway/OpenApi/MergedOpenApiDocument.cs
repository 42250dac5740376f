using System.Globalization;
using System.Text;
using Maestro.Gateway.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Microsoft.OpenApi;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// The document served at <c>/openapi/v1.json</c>: the gateway's own OpenAPI document merged with
/// each service's, fetched through service discovery (<c>http://registry/openapi/v1.json</c>).
/// A merge is served for <see cref="GatewayOpenApiOptions.RefreshInterval"/>, or until discovery
/// reports other instances; then the next request gets it while a new merge is built in the background.
/// A service that does not answer keeps its last good document (or, never seen, is left out), and the
/// document's description says so — serving the documentation never fails because a service is down.
/// </summary>
internal sealed partial class MergedOpenApiDocument(
    IHttpClientFactory httpClients,
    ServiceEndpointResolver discovery,
    EndpointDataSource endpoints,
    ParameterPolicyFactory parameterPolicies,
    IAuthorizationPolicyProvider authorization,
    [FromKeyedServices(MergedOpenApiDocument.DocumentName)] IOpenApiDocumentProvider gatewayDocument,
    TimeProvider time,
    IOptions<GatewayOpenApiOptions> options,
    ILogger<MergedOpenApiDocument> logger)
{
    public const string DocumentName = "v1";

    /// <summary>Each cluster's discovery address over HTTP/1.1 (<c>http://registry</c>, <c>http://worker</c>), where its document is fetched.</summary>
    private static readonly IReadOnlyList<(string ClusterId, string Address)> Services = GatewayRoutes.Clusters(new GatewayRoutingOptions { ActiveHealthChecks = false })
        .Select(cluster => (cluster.ClusterId, cluster.Destinations!.Values.Single().Address))
        .ToList();

    private readonly SemaphoreSlim _merging = new(1, 1);
    private readonly Dictionary<string, FetchedDocument> _lastGood = new(StringComparer.Ordinal);
    private Merge? _current;
    private int _refreshing;

    /// <summary>The merged document as OpenAPI 3.1 JSON.</summary>
    public async Task<byte[]> GetJsonAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is null)
        {
            return (await RefreshAsync(cancellationToken)).Json;
        }

        if (await IsStaleAsync(current, cancellationToken) && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None);
                }
                catch (Exception ex)
                {
                    // Callers keep the merge they have; the next stale read tries again.
                    LogRefreshFailed(logger, ex);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            }, CancellationToken.None);
        }

        return current.Json;
    }

    private async Task<Merge> RefreshAsync(CancellationToken cancellationToken)
    {
        await _merging.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && !await IsStaleAsync(current, cancellationToken))
            {
                return current;
            }

            var signature = await DiscoverySignatureAsync(cancellationToken);
            var builtAt = time.GetUtcNow();
            var notes = new List<string>();
            var documents = new List<ServiceDocument>
            {
                new("Gateway", null, await gatewayDocument.GetOpenApiDocumentAsync(cancellationToken)),
            };
            var answers = await Task.WhenAll(Services.Select(service => FetchAsync(service.ClusterId, service.Address, cancellationToken)));
            foreach (var ((clusterId, _), answer) in Services.Zip(answers))
            {
                var fetched = answer;
                if (fetched.Error is null)
                {
                    _lastGood[clusterId] = fetched;
                }
                else if (_lastGood.TryGetValue(clusterId, out var lastGood))
                {
                    notes.Add($"The {clusterId} did not return its document ({fetched.Error}); its operations are as of {lastGood.FetchedAt.ToString("u", CultureInfo.InvariantCulture)}.");
                    fetched = lastGood;
                }
                else
                {
                    notes.Add($"The {clusterId}'s operations are missing: it did not return its document ({fetched.Error}).");
                    continue;
                }

                documents.Add(new ServiceDocument(Title(clusterId), clusterId, Parse(fetched.Json)));
            }

            var routes = await GatewayRouteCatalog.CreateAsync(endpoints, parameterPolicies, authorization);
            var merged = OpenApiMerger.Merge(documents, routes, Info(notes));
            var json = Encoding.UTF8.GetBytes(await merged.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken));
            var merge = new Merge(json, builtAt, signature, Complete: notes.Count == 0);
            Volatile.Write(ref _current, merge);
            return merge;
        }
        finally
        {
            _merging.Release();
        }
    }

    private async Task<FetchedDocument> FetchAsync(string clusterId, string address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string json;
        try
        {
            // Bounds the shared resilience pipeline's retries too: a service that is down costs FetchTimeout at most.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.FetchTimeout);
            json = await httpClients.CreateClient().GetStringAsync($"{address}/openapi/{DocumentName}.json", timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return Failed(clusterId, now, ex is OperationCanceledException ? "no answer in time" : ex.Message);
        }

        try
        {
            var (_, diagnostic) = OpenApiDocument.Parse(json, OpenApiConstants.Json);
            return diagnostic is { Errors.Count: > 0 }
                ? Failed(clusterId, now, "not an OpenAPI document: " + diagnostic.Errors[0].Message)
                : new FetchedDocument(json, now, null);
        }
        catch (Exception ex)
        {
            // Whatever a service returns, the documentation of the others stays available.
            return Failed(clusterId, now, "not an OpenAPI document: " + ex.Message);
        }
    }

    private FetchedDocument Failed(string clusterId, DateTimeOffset now, string error)
    {
        LogFetchFailed(logger, clusterId, error);
        return new FetchedDocument("", now, error);
    }

    private static OpenApiDocument Parse(string json) => OpenApiDocument.Parse(json, OpenApiConstants.Json).Document!;

    private async Task<bool> IsStaleAsync(Merge merge, CancellationToken cancellationToken)
    {
        var age = time.GetUtcNow() - merge.BuiltAt;
        var settings = options.Value;
        return age >= (merge.Complete ? settings.RefreshInterval : settings.RetryInterval)
            || await DiscoverySignatureAsync(cancellationToken) != merge.DiscoverySignature;
    }

    /// <summary>Every instance discovery knows right now: a change means services came or went.</summary>
    private async Task<string> DiscoverySignatureAsync(CancellationToken cancellationToken)
    {
        var signature = new StringBuilder();
        foreach (var (_, address) in Services)
        {
            var source = await discovery.GetEndpointsAsync(address, cancellationToken);
            signature.AppendJoin(',', source.Endpoints.Select(endpoint => endpoint.EndPoint.ToString())).Append(';');
        }

        return signature.ToString();
    }

    private static string Title(string clusterId) => char.ToUpperInvariant(clusterId[0]) + clusterId[1..];

    private static OpenApiInfo Info(IReadOnlyList<string> notes) => new()
    {
        Title = "Maestro",
        Version = typeof(MergedOpenApiDocument).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Description = string.Join("\n\n", new[]
        {
            "Every operation reachable through the Maestro gateway: its own, the model registry's and the inference workers'. "
            + "Send an API key in `X-API-Key` or a token from `POST /auth/token` as `Authorization: Bearer …`; operations whose `security` is empty are public.",
        }.Concat(notes)),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Service}'s OpenAPI document could not be fetched: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string service, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Merging the OpenAPI documents failed; the previous merge stays served.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record FetchedDocument(string Json, DateTimeOffset FetchedAt, string? Error);

    private sealed record Merge(byte[] Json, DateTimeOffset BuiltAt, string DiscoverySignature, bool Complete);
}
