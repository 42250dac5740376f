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

    /// <summary>Operating the gateway: API keys and <c>/metrics</c>.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [ModelsRead, ModelsWrite, Predict, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether the space-separated <paramref name="granted"/> list holds <paramref name="scope"/>.</summary>
    public static bool Includes(string? granted, string scope)
    {
        foreach (var range in granted.AsSpan().Split(' '))
        {
            if (granted.AsSpan(range).SequenceEqual(scope))
            {
                return true;
            }
        }

        return false;
    }
}
