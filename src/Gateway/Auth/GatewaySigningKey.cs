using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>
/// The HS256 key of the gateway's own tokens: <c>Gateway:Auth:SigningKey</c>, or in Development a
/// random key for this process when none is set (the validator refuses that elsewhere).
/// </summary>
internal sealed partial class GatewaySigningKey
{
    public GatewaySigningKey(IOptions<GatewayAuthOptions> options, ILogger<GatewaySigningKey> logger)
    {
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            if (!options.Value.UsesAuthority)
            {
                LogGenerated(logger, GatewayAuthOptions.SectionName);
            }

            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64));
        }
        else
        {
            Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
    }

    public SymmetricSecurityKey Key { get; }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No {Section}:SigningKey is set: this process signs bearer tokens with a random key, so they stop working when it restarts and other replicas refuse them. Set one outside a single-process development setup.")]
    private static partial void LogGenerated(ILogger logger, string section);
}
