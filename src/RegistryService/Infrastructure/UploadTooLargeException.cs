namespace Maestro.RegistryService.Infrastructure;

/// <summary>The upload is larger than <see cref="RegistryOptions.MaxUploadBytes"/>; answered 413.</summary>
internal sealed class UploadTooLargeException(long maxBytes)
    : Exception($"The model file is larger than the registry accepts ({maxBytes} bytes, setting Registry:MaxUploadBytes).")
{
    public long MaxBytes { get; } = maxBytes;
}
