using System.Text.RegularExpressions;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>
/// Which paths of the repository a container build sees, by the root's .dockerignore as Docker and
/// podman read it: patterns in order, the last one that matches a path (or a parent of it) decides,
/// <c>!</c> puts a path back.
/// </summary>
internal sealed class BuildContext(IReadOnlyList<(bool Include, Regex Pattern)> rules)
{
    public static BuildContext Load(string dockerignore) => new(File.ReadAllLines(dockerignore)
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.StartsWith('!') ? (true, ToRegex(line[1..])) : (false, ToRegex(line)))
        .ToArray());

    /// <summary>Whether <paramref name="relativePath"/> (slash-separated, from the root) is sent to the build.</summary>
    public bool Includes(string relativePath)
    {
        var path = relativePath.Trim('/');
        var included = true;
        foreach (var (include, pattern) in rules)
        {
            if (Prefixes(path).Any(prefix => pattern.IsMatch(prefix)))
            {
                included = include;
            }
        }

        return included;
    }

    private static IEnumerable<string> Prefixes(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            yield return string.Join('/', parts[..i]);
        }
    }

    private static Regex ToRegex(string pattern)
    {
        var body = Regex.Escape(pattern.Trim('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{body}$", RegexOptions.CultureInvariant);
    }
}
