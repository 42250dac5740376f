using System.Net;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Keys of a gateway without Redis: a file under the data directory that outlives the process.</summary>
public sealed class FileApiKeyStoreTests : IDisposable
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    private readonly string _dataDirectory = TestPaths.NewTempDirectory("gateway-keys");

    [Fact]
    public async Task Restart_SameDataDirectory_KeysAndRevocationsSurvive()
    {
        CreatedApiKeyPair created;
        var first = Gateway();
        await first.InitializeAsync();
        try
        {
            created = new(
                await ApiKeyAdmin.CreateAsync(first.Client, "survivor", [Scopes.Predict]),
                await ApiKeyAdmin.CreateAsync(first.Client, "revoked", [Scopes.Predict]));
            (await ApiKeyAdmin.RevokeAsync(first.Client, created.Revoked.Id)).Dispose();
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = Gateway();
        await second.InitializeAsync();
        try
        {
            Assert.Equal(created.Kept.Id, (await second.EchoAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, created.Kept.Key))).Caller);
            Assert.Equal(HttpStatusCode.Unauthorized,
                await ApiKeyAdmin.StatusAsync(second.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, created.Revoked.Key)));
            var listed = (await ApiKeyAdmin.ListAsync(second.Client)).List.ApiKeys;
            Assert.Contains(listed, k => k.Id == created.Kept.Id && k.Revoked is null);
            Assert.Contains(listed, k => k.Id == created.Revoked.Id && k.Revoked is not null);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Create_File_HoldsHashesOnlyAndOnlyTheOwnerMayReadIt()
    {
        var gateway = Gateway();
        await gateway.InitializeAsync();
        try
        {
            var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "on-disk", [Scopes.Predict]);

            var path = Path.Combine(_dataDirectory, FileApiKeyStore.FileName);
            var content = await File.ReadAllTextAsync(path);
            Assert.Contains(ApiKeySecret.Hash(key.Key), content);
            Assert.DoesNotContain(key.Key, content);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public void Open_CorruptFile_FailsNamingTheFile()
    {
        var path = Path.Combine(_dataDirectory, FileApiKeyStore.FileName);
        File.WriteAllText(path, "{ not json");

        var error = Assert.Throws<InvalidOperationException>(() => new FileApiKeyStore(_dataDirectory));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task RecordUsage_Batch_WrittenToTheFileForEachKey()
    {
        var store = new FileApiKeyStore(_dataDirectory);
        var key = new ApiKeyRecord
        {
            Id = "key_used",
            Hash = ApiKeySecret.Hash(ApiKeySecret.Generate()),
            Name = "used",
            Owner = "test",
            Scopes = [Scopes.Predict],
            Plan = "free",
            Created = DateTimeOffset.UnixEpoch,
        };
        await store.AddAsync(key, default);
        var at = DateTimeOffset.Parse("2026-11-23T08:00:00Z");

        await store.RecordUsageAsync(new Dictionary<string, DateTimeOffset> { ["key_used"] = at, ["key_gone"] = at }, default);

        Assert.Equal(at, Assert.Single(await new FileApiKeyStore(_dataDirectory).ListAsync(default)).LastUsed);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private ConfiguredGatewayHost Gateway() => new(new Dictionary<string, string> { ["Gateway:DataDirectory"] = _dataDirectory });

    private sealed record CreatedApiKeyPair(Maestro.Gateway.Apis.CreatedApiKey Kept, Maestro.Gateway.Apis.CreatedApiKey Revoked);
}
