using System.Net;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>Which service answers each public path.</summary>
public sealed class GatewayRoutesTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData("POST", "/api/v1/models/fraud-detector/predict")]
    [InlineData("POST", "/api/v1/models/fraud-detector/batch_predict")]
    [InlineData("GET", "/api/v1/models/fraud-detector/health")]
    [InlineData("POST", "/v2/models/fraud-detector/infer")]
    [InlineData("GET", "/v2/models/fraud-detector")]
    [InlineData("GET", "/v2")]
    [InlineData("GET", "/v2/health/ready")]
    public async Task Route_InferencePath_ReachesAWorkerWithPathUnchanged(string method, string path)
    {
        var echo = await gateway.EchoAsync(GatewayHost.Authenticated(new HttpMethod(method), path));

        Assert.StartsWith("worker-", echo.Backend);
        Assert.Equal(method, echo.Method);
        Assert.Equal(path, echo.Path);
    }

    [Theory]
    [InlineData("GET", "/api/v1/models")]
    [InlineData("GET", "/api/v1/models?max_results=5&page_token=abc")]
    [InlineData("POST", "/api/v1/models")]
    [InlineData("GET", "/api/v1/models/fraud-detector")]
    [InlineData("PATCH", "/api/v1/models/fraud-detector")]
    [InlineData("DELETE", "/api/v1/models/fraud-detector")]
    [InlineData("GET", "/api/v1/models/fraud-detector/versions")]
    [InlineData("POST", "/api/v1/models/fraud-detector/versions/2/stage")]
    [InlineData("GET", "/api/v1/models/fraud-detector/versions/2/artifact")]
    [InlineData("GET", "/api/v1/models/predict")]
    [InlineData("GET", "/api/v1/models/fraud-detector/predictions")]
    [InlineData("GET", "/api/v1/model-cards/fraud-detector/versions/1?format=markdown")]
    [InlineData("POST", "/api/v1/model-cards/fraud-detector/versions/1/generate")]
    [InlineData("GET", "/api/2.0/mlflow/registered-models/search?max_results=5&page_token=abc")]
    [InlineData("POST", "/api/2.0/mlflow/model-versions/transition-stage")]
    [InlineData("DELETE", "/api/2.0/mlflow/registered-models/alias")]
    public async Task Route_RegistryPath_ReachesTheRegistryWithPathUnchanged(string method, string path)
    {
        var echo = await gateway.EchoAsync(GatewayHost.Authenticated(new HttpMethod(method), path));

        Assert.Equal("registry", echo.Backend);
        Assert.Equal(method, echo.Method);
        Assert.Equal(path, echo.Path);
    }

    [Fact]
    public async Task Route_ManyPredictions_SpreadOverBothWorkerReplicas()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            seen.Add((await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud-detector/predict"))).Backend);
        }

        Assert.Equal(["worker-0", "worker-1"], seen.Order());
    }

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/api/v2/models")]
    [InlineData("/api/v1/predict")]
    public async Task Route_UnknownPath_Returns404Problem(string path)
    {
        var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, path));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(path, problem.GetProperty("detail").GetString());
    }
}
