using System.Text.RegularExpressions;

namespace Maestro.RegistryService.Model;

/// <summary>The rules for aliases and tags, as MLflow's registry has them.</summary>
public static partial class ModelLabels
{
    public const int MaxTagKeyLength = 250;
    public const int MaxTagValueLength = 5000;

    public const string AliasRule = "an alias is 1 to 255 letters, digits, '_' or '-', starts with a letter or '_', and is not 'latest' or 'v<number>'";

    public static bool IsValidAlias(string? alias) =>
        alias is not null && AliasPattern().IsMatch(alias)
        && !alias.Equals("latest", StringComparison.OrdinalIgnoreCase) && !VersionLike().IsMatch(alias);

    /// <summary>Why a tag is refused, or <c>null</c> when it is fine.</summary>
    public static string? TagProblem(string? key, string? value) => (key, value) switch
    {
        (null or "", _) => "A tag needs a non-empty 'key'.",
        ({ Length: > MaxTagKeyLength }, _) => $"Tag keys are at most {MaxTagKeyLength} characters; this one has {key.Length}.",
        (_, null) => $"Tag '{key}' needs a 'value' (a string).",
        (_, { Length: > MaxTagValueLength }) => $"Tag values are at most {MaxTagValueLength} characters; '{key}' has {value.Length}.",
        _ => null,
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]{0,254}\z")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^[vV][0-9]+\z")]
    private static partial Regex VersionLike();
}
