namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// Where refresh tokens live, beside the API keys: Redis when <c>ConnectionStrings:redis</c> is set,
/// else <c>refresh-tokens.json</c> under <c>Gateway:DataDirectory</c> (in memory without one). Failures
/// to reach Redis surface as <see cref="ApiKeyStoreUnavailableException"/> (a 503, like the keys).
/// </summary>
internal interface IRefreshTokenStore
{
    /// <summary>Stores a new token; the store may forget it once <see cref="RefreshTokenRecord.Expires"/> has passed.</summary>
    Task AddAsync(RefreshTokenRecord token, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the token with this hash used at <paramref name="at"/> — atomically, so of two replicas
    /// redeeming it at once exactly one sees <see cref="RefreshTokenRedemption.FirstUse"/> — or <c>null</c> when none has it.
    /// </summary>
    Task<RefreshTokenRedemption?> RedeemAsync(string hash, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Refuses every token of the family from now on, for <paramref name="lifetime"/> (no token of it lives longer).</summary>
    Task RevokeFamilyAsync(string family, TimeSpan lifetime, CancellationToken cancellationToken);

    Task<bool> IsFamilyRevokedAsync(string family, CancellationToken cancellationToken);
}
