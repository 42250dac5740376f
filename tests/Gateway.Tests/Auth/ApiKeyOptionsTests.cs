using System.Net;
using Maestro.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Maestro.Gateway.Tests.Auth;

public sealed class ApiKeyOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("anything")]
    public async Task DevApiKey_NotConfigured_AcceptsNoKey(string key)
    {
        // appsettings.json leaves Gateway:Auth:DevApiKey empty: no key at all may open the gateway.
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models");
        request.Headers.TryAddWithoutValidation("X-API-Key", key);

        var response = await client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
