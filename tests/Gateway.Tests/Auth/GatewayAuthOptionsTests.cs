using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>The gateway refuses to start on an unsafe <c>Gateway:Auth</c>, with a message naming the setting.</summary>
public sealed class GatewayAuthOptionsTests
{
    [Fact]
    public async Task Start_ProductionWithoutSigningKeyOrAuthority_FailsNamingBothSettings()
    {
        var error = await StartFailureAsync(Environments.Production, []);

        Assert.Contains("Gateway:Auth:SigningKey", error);
        Assert.Contains("Gateway:Auth:Authority", error);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Start_ShortSigningKey_FailsInEveryEnvironment(string environment)
    {
        var error = await StartFailureAsync(environment, new() { ["Gateway:Auth:SigningKey"] = "short-key-31-bytes-0123456789ab" });

        Assert.Contains("Gateway:Auth:SigningKey is too short", error);
    }

    [Fact]
    public async Task Start_AuthorityWithoutAudience_FailsNamingAudience()
    {
        var error = await StartFailureAsync(Environments.Production, new() { ["Gateway:Auth:Authority"] = "https://login.example.com" });

        Assert.Contains("Gateway:Auth:Audience is required", error);
    }

    [Theory]
    [InlineData("Gateway:Auth:ClockSkew", "00:01:00", "ClockSkew")]
    [InlineData("Gateway:Auth:ApiKeyCacheDuration", "00:00:06", "ApiKeyCacheDuration")]
    [InlineData("Gateway:Auth:TokenLifetime", "00:00:00", "TokenLifetime")]
    [InlineData("Gateway:Auth:RefreshTokenLifetime", "00:05:00", "RefreshTokenLifetime")]
    [InlineData("Gateway:Auth:RefreshTokenLifetime", "91.00:00:00", "RefreshTokenLifetime")]
    public async Task Start_OutOfRangeSetting_FailsNamingIt(string setting, string value, string named)
    {
        var error = await StartFailureAsync(Environments.Development, new() { [setting] = value });

        Assert.Contains(named, error);
    }

    [Theory]
    [InlineData("Gateway:Auth:SigningKey", "a-production-signing-key-of-at-least-32-bytes")]
    [InlineData("Gateway:Auth:Authority", "https://login.example.com")]
    public async Task Start_ProductionWithKeyOrAuthority_Starts(string setting, string value)
    {
        await using var factory = Factory(Environments.Production, new()
        {
            [setting] = value,
            ["Gateway:Auth:Audience"] = "maestro",
        });

        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/");

        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Start_DevelopmentWithoutKey_StartsAndIssuesTokens()
    {
        await using var factory = Factory(Environments.Development, new() { ["Gateway:Auth:DevApiKey"] = GatewayHost.ApiKey });
        using var client = factory.CreateClient();

        Assert.NotEmpty((await ApiKeyAdmin.TokenAsync(client, GatewayHost.ApiKey)).AccessToken);
    }

    private static WebApplicationFactory<Program> Factory(string environment, Dictionary<string, string> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static async Task<string> StartFailureAsync(string environment, Dictionary<string, string> settings)
    {
        await using var factory = Factory(environment, settings);
        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Equal(typeof(GatewayAuthOptions), error.OptionsType);
        return error.Message;
    }
}
