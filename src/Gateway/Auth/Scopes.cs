namespace Maestro.Gateway.Auth;

/// <summary>What a caller may do. A key or token carries some of these in its <c>scope</c> claim.</summary>
public static class Scopes
{
    /// <summary>Registry reads: models, versions, artifacts, model cards.</summary>
    public const string ModelsRead = "models:read";

    /// <summary>Registry changes: create, upload, promote, tag, delete (MLflow's POST/PATCH/DELETE too).</summary>
    public const string ModelsWrite = "models:write";

    /// <summary>Inference: the seed predict API and the Open Inference Protocol v2 (infer and metadata).</summary>
    public const string Predict = "predict";

    /// <summary>Operating the gateway: API keys and the audit trail; it also grants <see cref="Metrics"/>.</summary>
    public const string Admin = "admin";

    /// <summary>Reading the gateway's <c>/metrics</c>: the one scope a Prometheus scrape key needs.</summary>
    public const string Metrics = "metrics";

    public static IReadOnlyList<string> All { get; } = [ModelsRead, ModelsWrite, Predict, Admin, Metrics];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>
    /// Whether the space-separated <paramref name="granted"/> list holds <paramref name="scope"/>, or a
    /// scope that implies it (<see cref="Admin"/> implies <see cref="Metrics"/>: whoever manages the keys
    /// may read the metrics, as before the metrics scope existed).
    /// </summary>
    public static bool Includes(string? granted, string scope)
    {
        foreach (var range in granted.AsSpan().Split(' '))
        {
            var held = granted.AsSpan(range);
            if (held.SequenceEqual(scope) || (scope == Metrics && held.SequenceEqual(Admin)))
            {
                return true;
            }
        }

        return false;
    }
}
