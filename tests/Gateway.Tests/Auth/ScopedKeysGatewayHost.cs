using Maestro.Gateway.Auth;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>A gateway with one key per scope, each holding that scope only.</summary>
public sealed class ScopedKeysGatewayHost : GatewayHost
{
    private readonly Dictionary<string, string> _keys = [];

    /// <summary>The key holding only <paramref name="scope"/>.</summary>
    public string KeyWith(string scope) => _keys[scope];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var scope in Scopes.All)
        {
            _keys[scope] = (await ApiKeyAdmin.CreateAsync(Client, $"only-{scope}", [scope])).Key;
        }
    }
}
