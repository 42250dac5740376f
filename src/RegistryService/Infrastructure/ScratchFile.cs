namespace Maestro.RegistryService.Infrastructure;

/// <summary>An uploaded file in scratch space, hashed, not yet part of the store.</summary>
internal sealed record ScratchFile(string Path, string Sha256, long SizeBytes);
