using Maestro.RegistryService.Infrastructure;

namespace Maestro.RegistryService.Apis;

/// <summary>A received upload: its file in scratch space (the caller commits or deletes it) and its description.</summary>
internal sealed record ModelUpload(ReceivedFile File, string? Description);
