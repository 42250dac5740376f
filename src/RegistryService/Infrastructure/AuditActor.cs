using Maestro.Contracts;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Who is making the current request, for the audit trail: the gateway forwards the caller's key id
/// or token subject in <c>X-Maestro-Caller</c>. Read from the ambient request, so store methods need
/// no extra parameter; <c>anonymous</c> when absent (a direct call, or no request at all).
/// </summary>
internal sealed class AuditActor(IHttpContextAccessor http)
{
    public const string HeaderName = MaestroHeaders.Caller;
    public const string Anonymous = "anonymous";

    /// <summary>Longer values are cut: an identity, not a document.</summary>
    public const int MaxLength = 256;

    public string Current
    {
        get
        {
            var caller = http.HttpContext?.Request.Headers[HeaderName].FirstOrDefault()?.Trim();
            return string.IsNullOrEmpty(caller) ? Anonymous : caller.Length > MaxLength ? caller[..MaxLength] : caller;
        }
    }
}
