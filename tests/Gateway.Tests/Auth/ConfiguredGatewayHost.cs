namespace Maestro.Gateway.Tests.Auth;

/// <summary>A <see cref="GatewayHost"/> with settings of its own (a signing key, a store, an authority…).</summary>
public class ConfiguredGatewayHost(IReadOnlyDictionary<string, string> settings) : GatewayHost
{
    public override Task InitializeAsync()
    {
        foreach (var (key, value) in settings)
        {
            Settings[key] = value;
        }

        return base.InitializeAsync();
    }
}
