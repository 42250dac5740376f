using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Auth;

/// <summary>
/// A bearer token's <c>nbf</c> and <c>exp</c> checked on the service's one <see cref="TimeProvider"/> —
/// the clock <see cref="TokenIssuer"/> dates its tokens with — rather than the system clock the token
/// library reads on its own. The failures are the library's exception types, so
/// <see cref="BearerTokenFailure"/> says the same things.
/// </summary>
internal static class TokenLifetimeValidator
{
    public static LifetimeValidator On(TimeProvider time) => (notBefore, expires, _, parameters) =>
    {
        var now = time.GetUtcNow().UtcDateTime;
        var skew = parameters.ClockSkew;
        if (expires is null)
        {
            if (parameters.RequireExpirationTime)
            {
                throw new SecurityTokenNoExpirationException("The bearer token has no expiry (exp).");
            }
        }
        else if (notBefore is { } starts && starts > expires)
        {
            throw new SecurityTokenInvalidLifetimeException("The bearer token's nbf is after its exp.") { NotBefore = starts, Expires = expires };
        }

        if (notBefore is { } validFrom && validFrom > now + skew)
        {
            throw new SecurityTokenNotYetValidException("The bearer token is not valid yet.") { NotBefore = validFrom };
        }

        if (expires is { } validUntil && validUntil < now - skew)
        {
            throw new SecurityTokenExpiredException("The bearer token has expired.") { Expires = validUntil };
        }

        return true;
    };
}
