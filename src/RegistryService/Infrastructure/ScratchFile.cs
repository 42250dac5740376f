namespace Maestro.RegistryService.Infrastructure;

/// <summary>An uploaded file in scratch space, hashed (and, once <see cref="Flushed"/>, on disk), not yet part of the store.</summary>
internal sealed record ScratchFile(string Path, string Sha256, long SizeBytes, bool Flushed = false);
