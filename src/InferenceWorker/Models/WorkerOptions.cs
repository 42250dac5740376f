using System.ComponentModel.DataAnnotations;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// How the worker keeps models, under <c>Worker</c> (the registry's address, <c>Worker:RegistryUrl</c>,
/// is <see cref="Registry.RegistryClientOptions"/>).
/// </summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Where downloaded artifacts are cached, by SHA-256.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "maestro-data/worker";

    /// <summary>How old the answer to "which version serves this name" may be before it is asked again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many versions a worker keeps loaded, beyond the serving ones, for requests that name a version
    /// (<c>/v2/models/{name}/versions/{version}/…</c>); the least recently used is unloaded first.
    /// </summary>
    [Range(0, 64)]
    public int MaxExtraVersions { get; set; } = 4;

    /// <summary>
    /// How much memory loaded models may take, in MiB, reckoned by the size of their ONNX files; 0 means
    /// no limit. Before a load that would exceed it, the least recently used models that no request
    /// holds are unloaded (they load again on their next request).
    /// </summary>
    [Range(0, 1_048_576)]
    public int MemoryBudgetMB { get; set; }

    /// <summary>
    /// The port of the endpoint that speaks HTTP/2 without TLS (prior knowledge) for the gateway
    /// (<c>Gateway:Routing:WorkerHttp2</c>); every other endpoint stays HTTP/1.1, for probes, scrapers and
    /// people. The endpoint itself is one of the addresses the worker listens on (<c>ASPNETCORE_URLS</c> or
    /// <c>ASPNETCORE_HTTP_PORTS</c>); none by default.
    /// </summary>
    [Range(1, 65535)]
    public int? Http2Port { get; set; }

    /// <summary>Threads one inference may use; 1 suits many small concurrent requests.</summary>
    [Range(1, 256)]
    public int IntraOpThreads { get; set; } = 1;
}
