using System.ComponentModel.DataAnnotations;

namespace Maestro.Gateway.Routing;

/// <summary>Which browser origins may call the API, under <c>Gateway:Cors</c> (none by default).</summary>
public sealed class GatewayCorsOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Cors";

    /// <summary>Origins such as <c>https://app.example.com</c> (scheme, host and port; no path), or <c>*</c> for any.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedOrigins.Length; i++)
        {
            var origin = AllowedOrigins[i];
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"))
            {
                yield return new ValidationResult(
                    $"{SectionName}:AllowedOrigins:{i} is '{origin}', not an origin: give scheme, host and port only (https://app.example.com), or * for any.",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
