using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Maestro.Testing;
using Microsoft.Data.Sqlite;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>
/// The real registry process SIGKILLed in the middle of uploads and of stage changes, then started
/// again on the same data directory: it starts, every version has its artifact with the recorded
/// SHA-256, nothing is left in scratch space or unreferenced, no transition is half applied, and no
/// version number is handed out twice.
/// </summary>
public abstract class RegistryKillTests(StoreBackend backend) : IDisposable
{
    private const int PaddingBytes = 3 * 1024 * 1024;

    private readonly string _dataDirectory = TestPaths.NewTempDirectory("registry-kill");
    private readonly string? _connectionString = StoreBackends.NewConnectionString(backend);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Kill_DuringConcurrentUploads_RestartsWithEveryVersionWholeNoOrphansAndNoReusedNumber()
    {
        var sample = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        var acknowledged = new ConcurrentBag<(int Version, string Sha256)>();
        string[] scratchAtKill;
        string name;
        await using (var registry = await RegistryProcess.StartAsync(_dataDirectory, _connectionString))
        {
            name = await registry.Http.CreateModelAsync("kill-uploads");
            for (var i = 0; i < 2; i++)
            {
                acknowledged.Add(await UploadAsync(registry.Http, name, PaddedModels.Create(sample, $"before-{i}", PaddingBytes), CancellationToken.None)
                    ?? throw new Xunit.Sdk.XunitException("An upload before the kill failed."));
            }

            using var abandon = new CancellationTokenSource();
            var stalled = Enumerable.Range(0, 3)
                .Select(i => StalledUploadAsync(registry.Http, name, PaddedModels.Create(sample, $"stalled-{i}", PaddingBytes), abandon.Token))
                .ToArray();
            var streams = Enumerable.Range(0, 3)
                .Select(loop => KeepUploadingAsync(registry.Http, name, sample, loop, acknowledged, abandon.Token))
                .ToArray();

            // Kill while stalled uploads are half-way into scratch files and the others keep committing.
            await WaitUntilAsync(
                () => acknowledged.Count >= 5 && ScratchFiles().Count(file => new FileInfo(file).Length > 0) >= 3,
                "three half-received uploads in scratch space and uploads committing beside them", registry);
            await registry.KillAsync();
            scratchAtKill = [.. ScratchFiles()];
            await abandon.CancelAsync();
            await Task.WhenAll(stalled.Concat(streams));
        }

        SqliteConnection.ClearAllPools();
        await using var restarted = await RegistryProcess.StartAsync(_dataDirectory, _connectionString);

        var versions = await ListVersionsAsync(restarted.Http, name);
        if (backend == StoreBackend.Postgres)
        {
            // The directory may be shared with live replicas: only the dead process's files are left,
            // until they are older than ArtifactStore.AbandonedScratchAge.
            Assert.All(ScratchFiles(), file => Assert.Contains(file, scratchAtKill));
        }
        else
        {
            Assert.Empty(ScratchFiles());
        }

        foreach (var (version, sha256) in acknowledged)
        {
            Assert.Equal(sha256, versions[version]);
        }

        foreach (var (version, sha256) in versions)
        {
            var artifact = ArtifactPath(sha256);
            Assert.True(File.Exists(artifact), $"Version {version} has no artifact file {artifact}.");
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(artifact))));
        }

        Assert.Equal(versions.Values.Distinct().Order(), ArtifactFiles().Select(Path.GetFileNameWithoutExtension).Order());
        var next = await UploadAsync(restarted.Http, name, PaddedModels.Create(sample, "after", 16), CancellationToken.None);
        Assert.NotNull(next);
        Assert.True(next.Value.Version > versions.Keys.Concat(acknowledged.Select(a => a.Version)).Max(),
            $"Version {next.Value.Version} was handed out again after the restart.");
    }

    [Fact]
    public async Task Kill_DuringStageChanges_RestartsWithWholeTransitionsMatchingTheirEventsAndFeed()
    {
        var sample = RegistryClient.SampleBytes(RegistryClient.FraudDetector);
        string name;
        var transitions = 0;
        await using (var registry = await RegistryProcess.StartAsync(_dataDirectory, _connectionString))
        {
            name = await registry.Http.CreateModelAsync("kill-stages");
            for (var i = 0; i < 4; i++)
            {
                Assert.NotNull(await UploadAsync(registry.Http, name, PaddedModels.Create(sample, $"v{i}", 16), CancellationToken.None));
            }

            using var abandon = new CancellationTokenSource();
            var loops = Enumerable.Range(0, 4).Select(loop => Task.Run(async () =>
            {
                for (var i = 0; !abandon.IsCancellationRequested; i++)
                {
                    var version = ((loop + i) % 4) + 1;
                    try
                    {
                        using var response = loop % 2 == 0
                            ? await registry.Http.PostAsJsonAsync($"/api/v1/models/{name}/versions/{version}/stage",
                                new Dictionary<string, object> { ["stage"] = i % 3 == 0 ? "Staging" : "Production", ["archive_existing_versions"] = true }, abandon.Token)
                            : await registry.Http.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { version }, abandon.Token);
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        Interlocked.Increment(ref transitions);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        return;
                    }
                }
            })).ToArray();

            await WaitUntilAsync(() => Volatile.Read(ref transitions) >= 40, "40 stage and alias changes", registry);
            await registry.KillAsync();
            await abandon.CancelAsync();
            await Task.WhenAll(loops);
        }

        SqliteConnection.ClearAllPools();
        await using var restarted = await RegistryProcess.StartAsync(_dataDirectory, _connectionString);

        using var listed = await restarted.Http.GetAsync($"/api/v1/models/{name}/versions");
        var stages = (await listed.ReadJsonAsync()).GetProperty("model_versions").EnumerateArray()
            .ToDictionary(v => v.GetProperty("version").GetInt32(), v => v.GetProperty("current_stage").GetString()!);
        // Every promotion archived the others in its transaction: never two in a stage.
        Assert.True(stages.Values.Count(stage => stage == "Production") <= 1, string.Join(", ", stages));
        Assert.True(stages.Values.Count(stage => stage == "Staging") <= 1, string.Join(", ", stages));

        using var eventsResponse = await restarted.Http.GetAsync($"/api/v1/models/{name}/events?max_results=1000");
        var events = (await eventsResponse.ReadJsonAsync()).GetProperty("events").EnumerateArray().ToArray();
        var stageEvents = events.Where(e => e.GetProperty("action").GetString() == "stage_changed").ToArray();
        foreach (var (version, stage) in stages)
        {
            var last = stageEvents.FirstOrDefault(e => e.GetProperty("version").GetInt32() == version);
            Assert.Equal(stage, last.ValueKind == JsonValueKind.Undefined ? "None" : last.GetProperty("to").GetString());
        }

        using var feedResponse = await restarted.Http.GetAsync("/api/v1/changes");
        var feed = (await feedResponse.ReadJsonAsync()).GetProperty("changes").EnumerateArray().ToArray();
        Assert.Equal(stageEvents.Length, feed.Count(c => c.GetProperty("kind").GetString() == "stage_changed"));
        Assert.Equal(events.Count(e => e.GetProperty("action").GetString() == "alias_set"), feed.Count(c => c.GetProperty("kind").GetString() == "alias_set"));
        var sequences = feed.Select(c => c.GetProperty("sequence").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences);
    }

    private IEnumerable<string> ScratchFiles() =>
        Directory.Exists(Path.Combine(_dataDirectory, "tmp")) ? Directory.EnumerateFiles(Path.Combine(_dataDirectory, "tmp")) : [];

    private IEnumerable<string> ArtifactFiles() =>
        Directory.EnumerateFiles(Path.Combine(_dataDirectory, "artifacts"), "*", SearchOption.AllDirectories);

    private string ArtifactPath(string sha256) => Path.Combine(_dataDirectory, "artifacts", sha256[..2], sha256 + ".onnx");

    /// <summary>Uploads until the registry dies, collecting what it acknowledged.</summary>
    private static async Task KeepUploadingAsync(
        HttpClient client, string name, byte[] sample, int loop, ConcurrentBag<(int, string)> acknowledged, CancellationToken cancellationToken)
    {
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                if (await UploadAsync(client, name, PaddedModels.Create(sample, $"loop-{loop}-{i}", PaddingBytes), cancellationToken) is { } version)
                {
                    acknowledged.Add(version);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>201 → (version, sha256); the caller sees exceptions from a dead registry.</summary>
    private static async Task<(int Version, string Sha256)?> UploadAsync(HttpClient client, string name, byte[] model, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(model);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", "model.onnx");
        using var response = await client.PostAsync($"/api/v1/models/{name}/versions", content, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var version = await response.ReadJsonAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), version.GetProperty("sha256").GetString());
        return (version.GetProperty("version").GetInt32(), version.GetProperty("sha256").GetString()!);
    }

    /// <summary>Sends half of the model, then nothing more until the registry is gone.</summary>
    private static async Task StalledUploadAsync(HttpClient client, string name, byte[] model, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var file = new StreamContent(new StallingStream(model, model.Length / 2));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", "model.onnx");
        try
        {
            using var response = await client.PostAsync($"/api/v1/models/{name}/versions", content, cancellationToken);
            Assert.Fail($"A stalled upload was answered {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
        }
    }

    private async Task<Dictionary<int, string>> ListVersionsAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"/api/v1/models/{name}/versions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var versions = (await response.ReadJsonAsync()).GetProperty("model_versions").EnumerateArray()
            .Select(v => (Version: v.GetProperty("version").GetInt32(), Sha256: v.GetProperty("sha256").GetString()!))
            .ToArray();
        Assert.Equal(versions.Length, versions.Select(v => v.Version).Distinct().Count());
        return versions.ToDictionary(v => v.Version, v => v.Sha256);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, RegistryProcess registry)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(120))
            {
                Assert.Fail($"Timed out after 120 s waiting for {what}. Registry output:\n{registry.Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Reads the first <c>stallAt</c> bytes of a buffer, then blocks until cancelled.</summary>
    private sealed class StallingStream(byte[] data, int stallAt) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= stallAt)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var count = Math.Min(buffer.Length, stallAt - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public sealed class OnSqlite() : RegistryKillTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : RegistryKillTests(StoreBackend.Postgres);
}
