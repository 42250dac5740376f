using System.Text.Json;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Keys of a single gateway: held in memory and written, whole and atomically (temporary file, then
/// rename), to <c>api-keys.json</c> under the data directory after every change, readable by the
/// owner only. Without a data directory the keys last as long as the process.
/// </summary>
internal sealed class FileApiKeyStore : IApiKeyStore
{
    public const string FileName = "api-keys.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string? _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ApiKeyRecord> _byHash = new(StringComparer.Ordinal);

    public FileApiKeyStore(string? dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return;
        }

        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
        foreach (var key in OwnerOnlyFile.ReadJson<List<ApiKeyRecord>>(_path, "API key", Json) ?? [])
        {
            _byHash[key.Hash] = key;
        }
    }

    /// <summary>The file the keys are kept in, or <c>null</c> when they live only in memory.</summary>
    public string? FilePath => _path;

    public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _byHash.Add(key.Hash, key);
            Save();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _byHash.Values.OrderBy(k => k.Created)]);
        }
    }

    public Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_byHash.GetValueOrDefault(hash));
        }
    }

    public Task<string?> FindHashByIdAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_byHash.Values.FirstOrDefault(k => k.Id == id)?.Hash);
        }
    }

    public Task<ApiKeyRecord?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = _byHash.Values.FirstOrDefault(k => k.Id == id);
            if (key is { IsRevoked: false })
            {
                key = _byHash[key.Hash] = key with { Revoked = at };
                Save();
            }

            return Task.FromResult(key);
        }
    }

    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var changed = false;
            foreach (var key in _byHash.Values.ToList())
            {
                if (lastUsed.TryGetValue(key.Id, out var at) && (key.LastUsed is null || key.LastUsed < at))
                {
                    _byHash[key.Hash] = key with { LastUsed = at };
                    changed = true;
                }
            }

            if (changed)
            {
                Save();
            }
        }

        return Task.CompletedTask;
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        OwnerOnlyFile.WriteJson(_path, _byHash.Values.OrderBy(k => k.Created).ToList(), Json);
    }
}
