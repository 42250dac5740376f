using System.Text.RegularExpressions;

namespace Maestro.RegistryService.Model;

/// <summary>Model names: 1–128 characters of <c>A-Za-z0-9._-</c>, so they are safe in URLs and paths.</summary>
public static partial class ModelNames
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public const string Rule = "a model name is 1 to 128 characters of letters, digits, '.', '_' and '-'";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex Pattern();
}
