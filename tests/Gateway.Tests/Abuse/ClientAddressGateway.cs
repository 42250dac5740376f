using System.Net;
using Maestro.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Abuse;

/// <summary>
/// One real gateway in memory whose callers come from the address in <see cref="AddressHeader"/> (the
/// test server has none of its own), with a failed-authentication limit of <see cref="Limit"/> per
/// minute, its clock held by the test and, when given, Redis for the shared count (several instances on
/// one Redis are several replicas) and a trusted proxy network (<c>Gateway:TrustedProxies</c>).
/// </summary>
internal sealed class ClientAddressGateway : IAsyncDisposable
{
    public const string AddressHeader = "X-Test-Client-Address";
    public const int Limit = 5;

    private readonly WebApplicationFactory<Program> _factory;

    private ClientAddressGateway(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        Client = factory.CreateClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public static ClientAddressGateway Start(EchoBackend backend, FakeTimeProvider clock, RedisServer? redis = null, string? trustedProxies = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Gateway:Auth:DevApiKey", GatewayHost.ApiKey);
            builder.UseSetting("services:registry:http:0", backend.Address);
            builder.UseSetting("services:worker:http:0", backend.Address);
            builder.UseSetting("Gateway:AuthFailureLimit:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Gateway:AuthFailureLimit:Window", "00:01:00");
            // A loaded machine may hold a Redis answer longer than the production 250 ms; the tests count exactly.
            builder.UseSetting("Gateway:AuthFailureLimit:RedisTimeout", "00:00:10");
            if (trustedProxies is not null)
            {
                builder.UseSetting("Gateway:TrustedProxies:Networks:0", trustedProxies);
            }

            if (redis is not null)
            {
                builder.UseSetting("ConnectionStrings:redis", redis.ConnectionString);
            }

            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
            });
        });
        return new ClientAddressGateway(factory);
    }

    /// <summary>A request from <paramref name="address"/> with <paramref name="apiKey"/> in X-API-Key (and an <c>X-Forwarded-For</c>, when given).</summary>
    public static HttpRequestMessage From(string address, string path, string? apiKey, HttpMethod? method = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Add(AddressHeader, address);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    /// <summary>Sets the connection's remote address from the test header, before anything else runs.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
