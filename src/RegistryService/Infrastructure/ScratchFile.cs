namespace Maestro.RegistryService.Infrastructure;

/// <summary>An upload as received into scratch space: written (to the page cache), not yet hashed or flushed.</summary>
internal sealed record ReceivedFile(string Path, long SizeBytes);

/// <summary>An uploaded file in scratch space, hashed (and, once <see cref="Flushed"/>, on disk), not yet part of the store.</summary>
internal sealed record ScratchFile(string Path, string Sha256, long SizeBytes, bool Flushed = false);
