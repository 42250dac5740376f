using System.Text.Json.Serialization;

namespace Maestro.Cli.Config;

/// <summary>What <c>maestro login</c> remembers: the gateway and the API key to call it with.</summary>
internal sealed record CliConfig(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("api_key")] string ApiKey);
