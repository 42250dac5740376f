using System.Net;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Errors;

/// <summary>What a client sees when a service behind the gateway does not answer.</summary>
public sealed class GatewayErrorsTests(DownstreamDownGatewayHost gateway) : IClassFixture<DownstreamDownGatewayHost>
{
    [Theory]
    [InlineData("GET", "/api/v1/models", "registry")]
    [InlineData("GET", "/api/v1/model-cards/fraud/versions/1", "registry")]
    [InlineData("POST", "/api/v1/models/fraud/predict", "worker")]
    [InlineData("GET", "/api/v1/models/fraud/health", "worker")]
    public async Task OnEmptyStatusCode_ServiceDown_ReturnsProblemNamingTheCluster(string method, string path, string cluster)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // The first attempt fails to connect (502); afterwards the destination may be known unhealthy (503).
            var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(new HttpMethod(method), path));

            var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable);
            Assert.Contains($"{cluster} ", problem.GetProperty("detail").GetString());
            Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
        }
    }

    [Theory]
    [InlineData("POST", "/v2/models/fraud/infer", true)]
    [InlineData("GET", "/v2/models/fraud", true)]
    [InlineData("GET", "/v2/health/ready", false)]
    public async Task OnEmptyStatusCode_WorkerDownUnderV2_ReturnsErrorNamingTheCluster(string method, string path, bool authenticated)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = authenticated ? GatewayHost.Authenticated(new HttpMethod(method), path) : new HttpRequestMessage(new HttpMethod(method), path);

            var response = await gateway.Client.SendAsync(request);

            var error = await HttpAssert.V2ErrorAsync(response, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("worker ", error);
        }
    }
}
