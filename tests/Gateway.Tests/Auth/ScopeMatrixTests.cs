using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// Every kind of route against a key of every scope: exactly the route's scope (or admin, for /metrics)
/// gets through, the rest get a 403 naming it.
/// </summary>
public sealed class ScopeMatrixTests(ScopedKeysGatewayHost gateway) : IClassFixture<ScopedKeysGatewayHost>
{
    private static readonly (string Method, string Path, string Scope)[] RouteKinds =
    [
        ("GET", "/api/v1/models", Scopes.ModelsRead),
        ("GET", "/api/v1/models/fraud/versions/1/artifact", Scopes.ModelsRead),
        ("GET", "/api/v1/model-cards/fraud/versions/1", Scopes.ModelsRead),
        ("POST", "/api/v1/models", Scopes.ModelsWrite),
        ("PATCH", "/api/v1/models/fraud", Scopes.ModelsWrite),
        ("DELETE", "/api/v1/models/fraud", Scopes.ModelsWrite),
        ("POST", "/api/v1/models/fraud/versions", Scopes.ModelsWrite),
        ("POST", "/api/v1/model-cards/fraud/versions/1/generate", Scopes.ModelsWrite),
        ("GET", "/api/2.0/mlflow/registered-models/search", Scopes.ModelsRead),
        ("POST", "/api/2.0/mlflow/registered-models/get-latest-versions", Scopes.ModelsRead),
        ("POST", "/api/2.0/mlflow/registered-models/create", Scopes.ModelsWrite),
        ("PATCH", "/api/2.0/mlflow/model-versions/update", Scopes.ModelsWrite),
        ("POST", "/api/v1/models/fraud/predict", Scopes.Predict),
        ("POST", "/api/v1/models/fraud/batch_predict", Scopes.Predict),
        ("GET", "/api/v1/models/fraud/health", Scopes.Predict),
        ("POST", "/v2/models/fraud/infer", Scopes.Predict),
        ("GET", "/v2/models/fraud", Scopes.Predict),
        ("GET", "/v2", Scopes.Predict),
        ("GET", "/admin/api-keys", Scopes.Admin),
        ("POST", "/admin/api-keys", Scopes.Admin),
        ("DELETE", "/admin/api-keys/key_none", Scopes.Admin),
        ("GET", "/metrics", Scopes.Metrics),
    ];

    public static TheoryData<string, string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (method, path, needed) in RouteKinds)
        {
            foreach (var held in Scopes.All)
            {
                data.Add(method, path, needed, held);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Authorize_KeyWithOneScope_OnlyTheRoutesScopePasses(string method, string path, string needed, string held)
    {
        using var response = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(new HttpMethod(method), path, gateway.KeyWith(held)));

        if (Scopes.Includes(held, needed))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            return;
        }

        var detail = path.StartsWith("/v2", StringComparison.Ordinal)
            ? await HttpAssert.V2ErrorAsync(response, HttpStatusCode.Forbidden)
            : (await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString();
        Assert.Contains($"needs the '{needed}' scope", detail);
        Assert.Contains($"'{held}'", detail);
    }

    [Theory]
    [InlineData(Scopes.Predict, "POST", "/api/v1/models/fraud/predict", HttpStatusCode.OK)]
    [InlineData(Scopes.Predict, "GET", "/api/v1/models", HttpStatusCode.Forbidden)]
    [InlineData(Scopes.ModelsRead, "GET", "/api/v1/models", HttpStatusCode.OK)]
    [InlineData(Scopes.ModelsRead, "POST", "/api/v1/models", HttpStatusCode.Forbidden)]
    [InlineData(Scopes.ModelsWrite, "GET", "/admin/api-keys", HttpStatusCode.Forbidden)]
    [InlineData(Scopes.Metrics, "GET", "/metrics", HttpStatusCode.OK)]
    [InlineData(Scopes.Metrics, "GET", "/admin/api-keys", HttpStatusCode.Forbidden)]
    public async Task Authorize_BearerTokenOfAKey_SameScopesAsTheKey(string scope, string method, string path, HttpStatusCode expected)
    {
        var token = await ApiKeyAdmin.TokenAsync(gateway.Client, gateway.KeyWith(scope));

        Assert.Equal(expected, await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithToken(new HttpMethod(method), path, token.AccessToken)));
    }

    [Theory]
    [InlineData(Scopes.ModelsRead)]
    [InlineData(Scopes.Predict)]
    [InlineData(Scopes.Admin)]
    [InlineData(Scopes.Metrics)]
    public async Task IssueToken_AnyValidKey_Gets200(string scope)
    {
        Assert.NotEmpty((await ApiKeyAdmin.TokenAsync(gateway.Client, gateway.KeyWith(scope))).AccessToken);
    }
}
