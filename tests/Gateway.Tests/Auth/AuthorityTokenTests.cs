using System.Net;
using System.Security.Cryptography;
using System.Text;
using Maestro.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>
/// Tokens from an external issuer, found by OIDC discovery and verified with RS256 through its JWKS;
/// the classic key-confusion attack (HS256 "signed" with the issuer's public key) is refused.
/// </summary>
public sealed class AuthorityTokenTests(AuthorityGateway authority) : IClassFixture<AuthorityGateway>
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    private GatewayHost Gateway => authority.Gateway;

    private TestOidcIssuer Issuer => authority.Issuer;

    [Fact]
    public async Task Bearer_Rs256FromTheIssuer_ReachesServiceAsItsSubject()
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice@example.com", ["scope"] = "predict" };
        var token = TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha256, Issuer.Address, AuthorityGateway.Audience, claims: claims);

        var echo = await Gateway.EchoAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

        Assert.Equal("alice@example.com", echo.Caller);
    }

    public static TheoryData<string> PublicKeyEncodings => ["pem", "spki-der", "pkcs1-der", "modulus", "jwk-n"];

    [Theory]
    [MemberData(nameof(PublicKeyEncodings))]
    public async Task Bearer_Hs256SignedWithTheIssuersPublicKey_Returns401(string encoding)
    {
        var rsa = Issuer.Rsa;
        var secret = encoding switch
        {
            "pem" => Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            "spki-der" => rsa.ExportSubjectPublicKeyInfo(),
            "pkcs1-der" => rsa.ExportRSAPublicKey(),
            "modulus" => rsa.ExportParameters(false).Modulus!,
            _ => Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus!)),
        };
        var token = TestTokens.HmacSigned(new { alg = "HS256", typ = "JWT", kid = TestOidcIssuer.KeyId }, Payload(), secret);

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task Bearer_Rs256SignedByAnotherKeyWithTheSameKid_Returns401()
    {
        using var other = RSA.Create(2048);
        var token = TestTokens.Sign(new RsaSecurityKey(other) { KeyId = TestOidcIssuer.KeyId }, SecurityAlgorithms.RsaSha256, Issuer.Address, AuthorityGateway.Audience);

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task Bearer_Rs512FromTheIssuer_Returns401BecauseOnlyRs256IsAllowed()
    {
        await AssertRefusedAsync(TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha512, Issuer.Address, AuthorityGateway.Audience));
    }

    [Fact]
    public async Task Bearer_WrongIssuer_Returns401()
    {
        await AssertRefusedAsync(TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha256, "https://evil.example", AuthorityGateway.Audience));
    }

    [Fact]
    public async Task Bearer_WrongAudience_Returns401()
    {
        await AssertRefusedAsync(TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha256, Issuer.Address, "maestro"));
    }

    [Fact]
    public async Task Bearer_Expired_Returns401()
    {
        await AssertRefusedAsync(TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha256, Issuer.Address, AuthorityGateway.Audience,
            notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1)));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NONE")]
    public async Task Bearer_AlgNone_Returns401(string alg)
    {
        await AssertRefusedAsync(TestTokens.Assemble(new { alg, typ = "JWT" }, Payload(), null));
    }

    [Fact]
    public async Task Bearer_IssuerTokenWithoutTheScope_Returns403NamingIt()
    {
        var claims = new Dictionary<string, object> { ["sub"] = "bob@example.com", ["scope"] = "models:read" };
        var token = TestTokens.Sign(Issuer.Key, SecurityAlgorithms.RsaSha256, Issuer.Address, AuthorityGateway.Audience, claims: claims);

        using var response = await Gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("'predict'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task IssueToken_WithAnAuthority_Returns404PointingAtTheIssuer()
    {
        using var response = await Gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Post, "/auth/token"));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(Issuer.Address, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ApiKey_WithAnAuthority_StillAccepted()
    {
        var echo = await Gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Post, PredictPath));

        Assert.Equal("dev-admin", echo.Caller);
    }

    private Dictionary<string, object> Payload() => TestTokens.Payload(Issuer.Address, AuthorityGateway.Audience);

    private async Task AssertRefusedAsync(string token)
    {
        using var response = await Gateway.Client.SendAsync(ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
