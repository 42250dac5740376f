using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Maestro.Gateway.Tests;

/// <summary>
/// The real gateway in memory, its clusters pointed through service-discovery configuration at real
/// backends on loopback sockets: one registry and two worker replicas.
/// </summary>
public class GatewayHost : IAsyncLifetime
{
    public const string ApiKey = "maestro-test-key-7f3a";

    /// <summary>How an <see cref="Echo"/> is read back.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private WebApplicationFactory<Program>? _factory;

    internal EchoBackend? RegistryBackend { get; private set; }

    internal EchoBackend? Worker0 { get; private set; }

    internal EchoBackend? Worker1 { get; private set; }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The gateway's services (its endpoints, options, caches).</summary>
    internal IServiceProvider Services => _factory!.Services;

    public virtual async Task InitializeAsync()
    {
        RegistryBackend = await EchoBackend.StartAsync("registry");
        Worker0 = await EchoBackend.StartAsync("worker-0");
        Worker1 = await EchoBackend.StartAsync("worker-1");
        Start(RegistryBackend.Address, Worker0.Address, Worker1.Address);
    }

    /// <summary>A request with the admin key, as an authenticated client sends it.</summary>
    public static HttpRequestMessage Authenticated(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", ApiKey);
        return request;
    }

    /// <summary>Sends an authenticated request and returns what the backend that answered received.</summary>
    internal async Task<Echo> EchoAsync(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<Echo>(body, Json)!;
    }

    protected void Start(string registry, params string[] workers) => Start([registry], workers);

    /// <summary>A hook for subclasses: services or logging of the gateway under test.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    /// <summary>Settings applied on top of the test defaults.</summary>
    protected Dictionary<string, string> Settings { get; } = [];

    protected void Start(string[] registries, string[] workers)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Gateway:Auth:DevApiKey", ApiKey);
            ConfigureWebHost(builder);
            foreach (var (key, value) in Settings)
            {
                builder.UseSetting(key, value);
            }

            for (var i = 0; i < registries.Length; i++)
            {
                builder.UseSetting($"services:registry:http:{i}", registries[i]);
            }

            for (var i = 0; i < workers.Length; i++)
            {
                builder.UseSetting($"services:worker:http:{i}", workers[i]);
            }
        });
        Client = _factory.CreateClient();
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        foreach (var backend in new[] { RegistryBackend, Worker0, Worker1 })
        {
            if (backend is not null)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
