using BenchmarkDotNet.Attributes;
using Maestro.Gateway.Audit;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maestro.Benchmarks;

/// <summary>
/// What authentication and the scope check cost one request, with the gateway's own services: an API
/// key already in the replica's cache through ASP.NET Core's authentication (the handler) and through
/// the gateway's fast path in front of it (SHA-256, one dictionary look-up, the cached principal — what
/// a request with a known key takes), one of the gateway's bearer tokens (HS256 check and the key's
/// revocation state), and the <c>predict</c> policy on the authenticated caller through the
/// authorization service.
/// </summary>
[MemoryDiagnoser]
public class GatewayAuthenticationBenchmarks
{
    private IHost _host = null!;
    private string _key = "";
    private string _token = "";
    private System.Security.Claims.ClaimsPrincipal _caller = null!;
    private DefaultHttpContext _authorizationContext = null!;
    private DefaultHttpContext _fastPathContext = null!;
    private ApiKeyFastPath _fastPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Services.AddMetrics();
        builder.Services.AddRouting();
        builder.Services.AddSingleton<GatewayTelemetry>();
        builder.AddGatewayAuth();
        builder.AddAuditLog();
        _host = builder.Build();

        _key = ApiKeySecret.Generate();
        var record = new ApiKeyRecord
        {
            Id = ApiKeySecret.NewId(),
            Hash = ApiKeySecret.Hash(_key),
            Name = "benchmark",
            Owner = "benchmark",
            Scopes = [Scopes.Predict],
            Plan = "free",
            Created = DateTimeOffset.UtcNow,
        };
        _host.Services.GetRequiredService<IApiKeyStore>().AddAsync(record, default).GetAwaiter().GetResult();
        _caller = Authenticate("X-API-Key", _key).GetAwaiter().GetResult().Principal!;
        _token = _host.Services.GetRequiredService<TokenIssuer>().Issue(_caller).Token;
        _authorizationContext = new DefaultHttpContext { RequestServices = _host.Services, User = _caller };
        _authorizationContext.Request.Method = HttpMethods.Post;
        _fastPath = _host.Services.GetRequiredService<ApiKeyFastPath>();
        _fastPathContext = new DefaultHttpContext { RequestServices = _host.Services };
        _fastPathContext.Request.Headers["X-API-Key"] = _key;
        if (!_fastPath.TryAuthenticate(_fastPathContext))
        {
            throw new InvalidOperationException("The fast path did not recognise a key the handler has just cached.");
        }
    }

    [Benchmark]
    public async Task<bool> ApiKey() => (await Authenticate("X-API-Key", _key)).Succeeded;

    [Benchmark]
    public bool ApiKeyOnFastPath() => _fastPath.TryAuthenticate(_fastPathContext);

    [Benchmark]
    public async Task<bool> BearerToken() => (await Authenticate("Authorization", "Bearer " + _token)).Succeeded;

    [Benchmark]
    public async Task<bool> PredictScope() =>
        (await _host.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(_caller, _authorizationContext, Scopes.Predict)).Succeeded;

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    /// <summary>Authenticates a request in its own service scope, as ASP.NET Core does for every request.</summary>
    private async Task<AuthenticateResult> Authenticate(string header, string value)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers[header] = value;
        return await context.AuthenticateAsync();
    }
}
