namespace Maestro.Gateway.Auth;

/// <summary>
/// Where a request carries an API key: the <c>X-API-Key</c> header, or <c>Authorization: Bearer &lt;key&gt;</c>
/// (what Prometheus, MLflow's client and most tools can send). A bearer value is an API key when it
/// starts with <c>mk_</c> (every issued key does; a JWT never does) or equals the configured development
/// key (any string: the AppHost makes <c>mae_dev_…</c>; compared by SHA-256 in constant time); any other
/// bearer value is taken for a JWT. With both headers, <c>X-API-Key</c> is the one read.
/// </summary>
internal static class ApiKeyCredentials
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>The API key the request presents, or <c>null</c> when it presents none (maybe a JWT).</summary>
    public static string? Find(HttpRequest request, string? devKey)
    {
        var header = request.Headers[ApiKeyOptions.HeaderName];
        if (header.Count > 0 && !string.IsNullOrEmpty(header.ToString()))
        {
            return header.ToString();
        }

        return BearerApiKey(request, devKey);
    }

    /// <summary>Whether the request carries an <c>Authorization</c> header that is not an API key (so a bearer JWT, or nonsense).</summary>
    public static bool HasNonKeyAuthorization(HttpRequest request, string? devKey) =>
        request.Headers.Authorization.Count > 0 && BearerApiKey(request, devKey) is null;

    /// <summary>Which header a presented key came from, for error messages.</summary>
    public static string Source(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyOptions.HeaderName) ? $"the {ApiKeyOptions.HeaderName} header" : "the Authorization header";

    private static string? BearerApiKey(HttpRequest request, string? devKey)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1)
        {
            return null;
        }

        var value = authorization[0];
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credential = value[BearerPrefix.Length..].Trim();
        if (credential.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
        {
            return credential;
        }

        return devKey is { Length: > 0 } && ApiKeyAuthenticationHandler.KeysEqual(credential, devKey) ? credential : null;
    }
}
