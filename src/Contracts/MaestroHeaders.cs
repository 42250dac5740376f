namespace Maestro.Contracts;

/// <summary>HTTP headers the gateway sets on what it forwards, and the services read.</summary>
public static class MaestroHeaders
{
    /// <summary>
    /// Who is calling: the authenticated key id or token subject. Set only by the gateway (a value a
    /// client sends is dropped); the registry records it in its audit trail.
    /// </summary>
    public const string Caller = "X-Maestro-Caller";

    /// <summary>The request's identifier, echoed on the response and named in every problem document.</summary>
    public const string RequestId = "X-Request-Id";
}
