using System.Globalization;
using System.Text.Json.Serialization;

namespace Maestro.Gateway.Auth;

/// <summary>A key's own quota, overriding its plan's: <c>maestro:rate_limit</c> = <c>"&lt;requests_per_minute&gt;:&lt;burst&gt;"</c>.</summary>
public sealed record ApiKeyRateLimit(
    [property: JsonPropertyName("requests_per_minute")] int RequestsPerMinute,
    [property: JsonPropertyName("burst")] int Burst)
{
    public string ToClaimValue() => string.Create(CultureInfo.InvariantCulture, $"{RequestsPerMinute}:{Burst}");

    public static ApiKeyRateLimit? FromClaimValue(string? value)
    {
        var parts = value?.Split(':');
        return parts is [var rpm, var burst]
            && int.TryParse(rpm, NumberStyles.None, CultureInfo.InvariantCulture, out var requestsPerMinute) && requestsPerMinute > 0
            && int.TryParse(burst, NumberStyles.None, CultureInfo.InvariantCulture, out var burstSize) && burstSize > 0
                ? new ApiKeyRateLimit(requestsPerMinute, burstSize)
                : null;
    }
}
