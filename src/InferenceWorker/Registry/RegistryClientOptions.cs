using System.ComponentModel.DataAnnotations;

namespace Maestro.InferenceWorker.Registry;

/// <summary>Where the registry is, under <c>Worker</c> (<c>Worker:RegistryUrl</c>).</summary>
public sealed class RegistryClientOptions
{
    public const string SectionName = "Worker";

    /// <summary>The registry's address; a discovery name (<c>http://registry</c>) resolved through configuration.</summary>
    [Required]
    public Uri RegistryUrl { get; set; } = new("http://registry");
}
