extern alias registry;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.InferenceWorker.Registry;
using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.InferenceWorker.Tests;

/// <summary>
/// A real registry in memory (its own temp data directory) and a real worker whose
/// <see cref="RegistryClient"/> reaches that registry through service discovery
/// (<c>http://registry</c> → <c>http://localhost</c>) and the registry's <see cref="TestServer"/> handler.
/// The worker's clock is a <see cref="FakeTimeProvider"/>: its cached serving versions only go stale
/// when a test advances <see cref="Time"/>. The resilience pipeline's retry delays run on the same
/// clock, so a registry call that fails transiently waits until time is advanced.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly string _registryData = TestPaths.NewTempDirectory("registry");
    private readonly WebApplicationFactory<registry::Program> _registry;
    private readonly WebApplicationFactory<Program> _worker;

    /// <param name="settings">Worker configuration beyond the defaults, e.g. <c>Worker:MaxExtraVersions</c>.</param>
    /// <param name="services">Replaces worker services after the defaults, e.g. the batching clock.</param>
    /// <param name="registrySettings">Registry configuration beyond the defaults, e.g. <c>ConnectionStrings:redis</c>.</param>
    public WorkerHost(
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string>? registrySettings = null)
    {
        _registry = new WebApplicationFactory<registry::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Registry:DataDirectory", _registryData);
            foreach (var (key, value) in registrySettings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
        });
        Registry = _registry.CreateClient();

        _worker = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("services:registry:http:0", "http://localhost");
            builder.UseSetting("Worker:DataDirectory", WorkerData);
            builder.UseSetting("Worker:RefreshInterval", RefreshInterval.ToString());
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(collection =>
            {
                collection.AddSingleton<TimeProvider>(Time);
                collection.AddHttpClient<RegistryClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => new Outage(this, _registry.Server.CreateHandler()));
                services?.Invoke(collection);
            });
        });
        Client = _worker.CreateClient();
    }

    public FakeTimeProvider Time { get; } = new();

    /// <summary>While set, every call from the worker to the registry fails as a refused connection would.</summary>
    public bool RegistryDown { get; set; }

    /// <summary>Where the worker caches downloaded artifacts.</summary>
    public string WorkerData { get; } = TestPaths.NewTempDirectory("worker");

    /// <summary>Talks to the registry, as a person registering models would.</summary>
    public HttpClient Registry { get; }

    /// <summary>Talks to the worker.</summary>
    public HttpClient Client { get; }

    public IServiceProvider WorkerServices => _worker.Services;

    /// <summary>Registers <paramref name="name"/> if needed and uploads a sample model as its next version.</summary>
    public async Task<int> UploadAsync(string name, string sampleFile)
    {
        var created = await Registry.PostAsJsonAsync("/api/v1/models", new { name });
        if (created.StatusCode != HttpStatusCode.Conflict)
        {
            created.EnsureSuccessStatusCode();
        }

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.SampleModel(sampleFile)));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", sampleFile);
        var uploaded = await Registry.PostAsync($"/api/v1/models/{name}/versions", form);
        uploaded.EnsureSuccessStatusCode();
        var version = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        return version.GetProperty("version").GetInt32();
    }

    public async Task TransitionAsync(string name, int version, string stage, bool archiveExistingVersions = false)
    {
        var response = await Registry.PostAsJsonAsync(
            $"/api/v1/models/{name}/versions/{version}/stage",
            new Dictionary<string, object> { ["stage"] = stage, ["archive_existing_versions"] = archiveExistingVersions });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Registry.Dispose();
        await _worker.DisposeAsync();
        await _registry.DisposeAsync();
        TryDelete(WorkerData);
        TryDelete(_registryData);
    }

    /// <summary>Sets a tag on the model, or on one of its versions when <paramref name="version"/> is given.</summary>
    public async Task SetTagAsync(string name, string key, string value, int? version = null)
    {
        var path = version is null ? $"/api/v1/models/{name}/tags" : $"/api/v1/models/{name}/versions/{version}/tags";
        var response = await Registry.PostAsJsonAsync(path, new { key, value });
        response.EnsureSuccessStatusCode();
    }

    private sealed class Outage(WorkerHost host, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            host.RegistryDown
                ? throw new HttpRequestException("Connection refused (the test took the registry down).")
                : base.SendAsync(request, cancellationToken);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open at shutdown; the OS cleans the temp directory eventually.
        }
    }
}
