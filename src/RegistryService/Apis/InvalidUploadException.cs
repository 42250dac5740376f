namespace Maestro.RegistryService.Apis;

/// <summary>An upload whose multipart body breaks the rules of <see cref="ModelUploadReader"/>; the message says how. Answered 400.</summary>
internal sealed class InvalidUploadException(string message) : Exception(message);
