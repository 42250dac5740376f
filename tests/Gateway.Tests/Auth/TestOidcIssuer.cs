using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// A tiny external identity provider on a loopback port: OIDC discovery and a JWKS with one RSA key,
/// so the gateway finds the key the way it would at a real issuer. Tests sign tokens with <see cref="Key"/>.
/// </summary>
internal sealed class TestOidcIssuer : IAsyncDisposable
{
    public const string KeyId = "test-rsa-1";

    private readonly WebApplication _app;

    private TestOidcIssuer(WebApplication app, string address, RSA rsa)
    {
        _app = app;
        Address = address;
        Rsa = rsa;
        Key = new RsaSecurityKey(rsa) { KeyId = KeyId };
    }

    /// <summary>The issuer (<c>iss</c>) and authority: <c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    public RSA Rsa { get; }

    public RsaSecurityKey Key { get; }

    public static async Task<TestOidcIssuer> StartAsync()
    {
        var rsa = RSA.Create(2048);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = KeyId };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey);
        string? address = null;
        app.MapGet("/.well-known/openid-configuration", () => TypedResults.Json(new Dictionary<string, object>
        {
            ["issuer"] = address!,
            ["jwks_uri"] = address + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () => TypedResults.Json(new
        {
            keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } },
        }));
        await app.StartAsync();
        address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestOidcIssuer(app, address, rsa);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Rsa.Dispose();
    }
}
