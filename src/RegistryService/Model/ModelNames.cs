using System.Text.RegularExpressions;

namespace Maestro.RegistryService.Model;

/// <summary>
/// Model names: 1–128 characters of <c>A-Za-z0-9._-</c>, other than the dot segments <c>.</c> and
/// <c>..</c> (which clients resolve away in a URL), so they are safe in URLs and paths.
/// </summary>
public static partial class ModelNames
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public const string Rule = "a model name is 1 to 128 characters of letters, digits, '.', '_' and '-', and is not '.' or '..'";

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^(?!\.{1,2}\z)[A-Za-z0-9._-]{1,128}\z")]
    private static partial Regex Pattern();
}
