using Maestro.Gateway.Auth;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>A real (in-memory file) store that can be made unreachable, and counts what it is asked.</summary>
internal sealed class ObservedApiKeyStore(IApiKeyStore inner) : IApiKeyStore
{
    public bool Down { get; set; }

    public int Lookups { get; private set; }

    public List<IReadOnlyDictionary<string, DateTimeOffset>> UsageBatches { get; } = [];

    public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken) => inner.AddAsync(key, cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        Lookups++;
        return Down ? throw new ApiKeyStoreUnavailableException("down") : inner.FindByHashAsync(hash, cancellationToken);
    }

    public Task<string?> FindHashByIdAsync(string id, CancellationToken cancellationToken) => inner.FindHashByIdAsync(id, cancellationToken);

    public Task<ApiKeyRecord?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => inner.RevokeAsync(id, at, cancellationToken);

    public Task RecordUsageAsync(IReadOnlyDictionary<string, DateTimeOffset> lastUsed, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new ApiKeyStoreUnavailableException("down");
        }

        UsageBatches.Add(new Dictionary<string, DateTimeOffset>(lastUsed));
        return inner.RecordUsageAsync(lastUsed, cancellationToken);
    }
}
