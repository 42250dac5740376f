namespace Maestro.Gateway.Auth;

/// <summary>The key store could not be reached; the caller gets a 503 and should retry.</summary>
public sealed class ApiKeyStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
