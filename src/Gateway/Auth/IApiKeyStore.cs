namespace Maestro.Gateway.Auth;

/// <summary>
/// Where API keys live: Redis when <c>ConnectionStrings:redis</c> is set (shared by every replica),
/// else a JSON file under <c>Gateway:DataDirectory</c>. Failures to reach the store surface as
/// <see cref="ApiKeyStoreUnavailableException"/>.
/// </summary>
internal interface IApiKeyStore
{
    Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Every key, revoked ones included, with its last-used time.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The key whose SHA-256 is <paramref name="hash"/>, or <c>null</c>. Revoked keys are returned as such.</summary>
    Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>The hash of the key with this id (revoked or not), or <c>null</c> when there is none.</summary>
    Task<string?> FindHashByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>Marks the key revoked (once; later calls keep the first time) and returns it, or <c>null</c> when no key has that id.</summary>
    Task<ApiKeyRecord?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Writes a batch of last-used times, by key id.</summary>
    Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken);
}
