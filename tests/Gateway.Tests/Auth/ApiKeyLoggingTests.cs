using System.Net;
using Maestro.Gateway.Auth;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Keys and tokens never reach the logs, whatever is done with them, at any log level.</summary>
public sealed class ApiKeyLoggingTests(LoggedGatewayHost gateway) : IClassFixture<LoggedGatewayHost>
{
    [Fact]
    public async Task Lifecycle_EveryUseAndMisuse_NeitherKeyNorTokenIsLogged()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "logged", [Scopes.Predict]);
        await gateway.EchoAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", key.Key));
        var token = (await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key)).AccessToken;
        await gateway.EchoAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, "/v2/models/fraud/infer", token));
        await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Get, "/admin/api-keys", key.Key));
        await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithToken(HttpMethod.Get, "/api/v1/models", token[..^4] + "AAAA"));
        await ApiKeyAdmin.ListAsync(gateway.Client);
        (await ApiKeyAdmin.RevokeAsync(gateway.Client, key.Id)).Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized,
            await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, "/api/v1/models/fraud/predict", key.Key)));
        var lastUsed = await WaitForLastUsedAsync(key.Id);

        Assert.NotNull(lastUsed);
        var lines = gateway.Lines.ToList();
        Assert.Contains(lines, line => line.Contains("/api/v1/models/fraud/predict", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(key.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(key.Key[3..], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(GatewayHost.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(token.Split('.')[2], StringComparison.Ordinal));
    }

    /// <summary>Last-used times are written in batches: poll until the key's shows up.</summary>
    private async Task<DateTimeOffset?> WaitForLastUsedAsync(string id)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var listed = (await ApiKeyAdmin.ListAsync(gateway.Client)).List.ApiKeys.Single(k => k.Id == id);
            if (listed.LastUsed is not null)
            {
                return listed.LastUsed;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
