using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Maestro.ServiceDefaults;

/// <summary>
/// Checks an options object's data annotations (and <see cref="IValidatableObject"/>) and names each
/// failing setting by its configuration path — <c>Worker:RefreshInterval: The field … must be …</c> —
/// so a process that refuses to start says which setting to fix.
/// </summary>
internal sealed class SectionAnnotationsValidator<TOptions>(string? name, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? optionsName, TOptions options)
    {
        if (name is not null && name != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(Describe));
    }

    private string Describe(ValidationResult result)
    {
        var message = result.ErrorMessage ?? "is not valid";
        if (message.StartsWith(section + ":", StringComparison.Ordinal))
        {
            return message; // already names its setting
        }

        var members = result.MemberNames.Where(member => member.Length > 0).ToArray();
        return members.Length == 0
            ? $"{section}: {message}"
            : $"{string.Join(", ", members.Select(member => $"{section}:{member}"))}: {message}";
    }
}
