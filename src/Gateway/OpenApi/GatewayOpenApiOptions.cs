using System.ComponentModel.DataAnnotations;

namespace Maestro.Gateway.OpenApi;

/// <summary>How the merged OpenAPI document is kept fresh, under <c>Gateway:OpenApi</c>.</summary>
public sealed class GatewayOpenApiOptions
{
    public const string SectionName = "Gateway:OpenApi";

    /// <summary>How long a merge is served before the services' documents are fetched again (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a merge that misses a service (it did not answer) is retried (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one service may take to return its document (default 10 s: a cold service on a busy machine is slow to build it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
