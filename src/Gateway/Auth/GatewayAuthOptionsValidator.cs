using System.Text;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Stops the gateway at start on an unsafe or impossible <c>Gateway:Auth</c>: outside Development it
/// needs a strong signing key or an authority; a weak key is refused everywhere.
/// </summary>
internal sealed class GatewayAuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<GatewayAuthOptions>
{
    private const string Section = GatewayAuthOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GatewayAuthOptions options)
    {
        var errors = new List<string>();
        var hasKey = !string.IsNullOrEmpty(options.SigningKey);
        if (hasKey && Encoding.UTF8.GetByteCount(options.SigningKey!) < GatewayAuthOptions.MinSigningKeyBytes)
        {
            errors.Add($"{Section}:SigningKey is too short: use at least {GatewayAuthOptions.MinSigningKeyBytes} random bytes (e.g. `openssl rand -base64 48`).");
        }

        if (options.UsesAuthority)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            {
                errors.Add($"{Section}:Authority must be an absolute URL (the issuer whose /.well-known/openid-configuration is read).");
            }

            if (string.IsNullOrWhiteSpace(options.Audience))
            {
                errors.Add($"{Section}:Audience is required with {Section}:Authority: tokens must be meant for this gateway.");
            }
        }
        else if (!hasKey && !environment.IsDevelopment())
        {
            errors.Add($"Set {Section}:SigningKey (at least {GatewayAuthOptions.MinSigningKeyBytes} random bytes) or {Section}:Authority with "
                + $"{Section}:Audience: outside Development the gateway does not start without a way to verify bearer tokens.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:TokenLifetime must be between 00:00:01 and 1.00:00:00.");
        }

        if (options.RefreshTokenLifetime < options.TokenLifetime || options.RefreshTokenLifetime > TimeSpan.FromDays(90))
        {
            errors.Add($"{Section}:RefreshTokenLifetime must be at least {Section}:TokenLifetime and at most 90.00:00:00.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > GatewayAuthOptions.MaxClockSkew)
        {
            errors.Add($"{Section}:ClockSkew must be between 0 and {GatewayAuthOptions.MaxClockSkew}.");
        }

        if (options.MaxTokenBytes < 256)
        {
            errors.Add($"{Section}:MaxTokenBytes must be at least 256.");
        }

        if (options.ApiKeyCacheDuration <= TimeSpan.Zero || options.ApiKeyCacheDuration > GatewayAuthOptions.MaxApiKeyCacheDuration)
        {
            errors.Add($"{Section}:ApiKeyCacheDuration must be more than 0 and at most {GatewayAuthOptions.MaxApiKeyCacheDuration}: revocation must reach every replica within it.");
        }

        if (options.LastUsedFlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:LastUsedFlushInterval must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
