using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// Refresh tokens of a single gateway, beside its <c>api-keys.json</c>: held in memory and written whole
/// and atomically (temporary file, then rename, readable by the owner only) to <c>refresh-tokens.json</c>
/// after every change, expired tokens and family revocations left out. Without a data directory they
/// last as long as the process.
/// </summary>
internal sealed class FileRefreshTokenStore : IRefreshTokenStore
{
    public const string FileName = "refresh-tokens.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RefreshTokenRecord> _byHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _revokedFamilies = new(StringComparer.Ordinal);

    public FileRefreshTokenStore(string? dataDirectory, TimeProvider time)
    {
        _time = time;
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return;
        }

        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
        var stored = OwnerOnlyFile.ReadJson<StoredFile>(_path, "refresh token", Json) ?? new StoredFile([], []);
        foreach (var token in stored.Tokens)
        {
            _byHash[token.Hash] = token;
        }

        foreach (var (family, until) in stored.RevokedFamilies)
        {
            _revokedFamilies[family] = until;
        }
    }

    public Task AddAsync(RefreshTokenRecord token, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _byHash[token.Hash] = token;
            Save();
        }

        return Task.CompletedTask;
    }

    public Task<RefreshTokenRedemption?> RedeemAsync(string hash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byHash.TryGetValue(hash, out var token))
            {
                return Task.FromResult<RefreshTokenRedemption?>(null);
            }

            if (token.Used is not null)
            {
                return Task.FromResult<RefreshTokenRedemption?>(new RefreshTokenRedemption(token, FirstUse: false));
            }

            var used = _byHash[hash] = token with { Used = at };
            Save();
            return Task.FromResult<RefreshTokenRedemption?>(new RefreshTokenRedemption(used, FirstUse: true));
        }
    }

    public Task RevokeFamilyAsync(string family, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _revokedFamilies[family] = _time.GetUtcNow() + lifetime;
            Save();
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsFamilyRevokedAsync(string family, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_revokedFamilies.TryGetValue(family, out var until) && until > _time.GetUtcNow());
        }
    }

    private void Save()
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _byHash.Values.Where(t => t.Expires <= now).Select(t => t.Hash).ToList())
        {
            _byHash.Remove(expired);
        }

        foreach (var ended in _revokedFamilies.Where(f => f.Value <= now).Select(f => f.Key).ToList())
        {
            _revokedFamilies.Remove(ended);
        }

        if (_path is null)
        {
            return;
        }

        OwnerOnlyFile.WriteJson(_path, new StoredFile([.. _byHash.Values.OrderBy(t => t.Created)], new(_revokedFamilies)), Json);
    }

    private sealed record StoredFile(
        [property: JsonPropertyName("tokens")] List<RefreshTokenRecord> Tokens,
        [property: JsonPropertyName("revoked_families")] Dictionary<string, DateTimeOffset> RevokedFamilies);
}
