using System.Text.RegularExpressions;

namespace Maestro.Architecture.Tests;

/// <summary>
/// Which namespaces of one project use which, read from its sources the way a person reads them:
/// a namespace <c>A</c> uses <c>B</c> when a file in <c>A</c> names a type declared in <c>B</c> —
/// through a <c>using B;</c> (only when the file then names one of <c>B</c>'s types, so a framework
/// namespace that happens to share a project namespace's name is not mistaken for it), a
/// <c>using static</c> or alias of one of <c>B</c>'s types, a qualified name (<c>B.Type</c>, absolute or
/// relative), or <c>B</c> being an enclosing namespace of <c>A</c>. Comments and string text are not code
/// (<see cref="CSharpText"/>). The graph is the project's: types of other assemblies are not in it.
/// </summary>
internal sealed partial class NamespaceGraph
{
    /// <summary>The namespace of code outside any namespace declaration (top-level statements, <c>Program</c>).</summary>
    public const string Global = "(global)";

    private static readonly HashSet<string> Keywords = ["where", "new", "class", "struct", "record", "interface", "enum", "static", "partial", "sealed", "public", "internal"];

    private NamespaceGraph(IReadOnlyCollection<string> namespaces, IReadOnlyList<NamespaceDependency> dependencies)
    {
        Namespaces = namespaces;
        Dependencies = dependencies;
    }

    public IReadOnlyCollection<string> Namespaces { get; }

    /// <summary>Every use of one namespace by another, one per file and target, with what shows it.</summary>
    public IReadOnlyList<NamespaceDependency> Dependencies { get; }

    public static NamespaceGraph Build(IEnumerable<SourceFile> sources)
    {
        var files = sources.Select(source =>
        {
            var code = CSharpText.CodeOnly(source.Text);
            return (source.Path, Code: code, Namespace: NamespaceDeclaration().Match(code) is { Success: true } m ? m.Groups[1].Value : Global);
        }).ToArray();

        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var declared = types.TryGetValue(file.Namespace, out var known) ? known : types[file.Namespace] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match match in TypeDeclaration().Matches(file.Code))
            {
                if (!Keywords.Contains(match.Groups[1].Value))
                {
                    declared.Add(match.Groups[1].Value);
                }
            }
        }

        var dependencies = new List<NamespaceDependency>();
        foreach (var file in files)
        {
            dependencies.AddRange(DependenciesOf(file.Path, file.Namespace, file.Code, types));
        }

        return new NamespaceGraph(types.Keys, dependencies);
    }

    /// <summary>The groups of two or more namespaces that each reach every other one (Tarjan's strongly connected components).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var edges = Dependencies.GroupBy(d => d.From).ToDictionary(g => g.Key, g => g.Select(d => d.To).Distinct().Order(StringComparer.Ordinal).ToArray());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    cycles.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var node in Namespaces.Order(StringComparer.Ordinal).Where(node => !index.ContainsKey(node)))
        {
            Visit(node);
        }

        return cycles;
    }

    /// <summary>Each cycle with the uses that close it: what to change to break it.</summary>
    public string Describe(IReadOnlyList<IReadOnlyList<string>> cycles) => string.Join(Environment.NewLine, cycles.Select(cycle =>
        $"cycle {string.Join(" <-> ", cycle)}:{Environment.NewLine}" + string.Join(Environment.NewLine,
            Dependencies.Where(d => cycle.Contains(d.From) && cycle.Contains(d.To)).Select(d => $"  {d}"))));

    private static IEnumerable<NamespaceDependency> DependenciesOf(string path, string ns, string code, Dictionary<string, HashSet<string>> types)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        void Use(string target, string evidence)
        {
            if (target != ns && types.ContainsKey(target))
            {
                found.TryAdd(target, evidence);
            }
        }

        var ancestors = Ancestors(ns).ToArray();
        var candidates = ancestors.Where(types.ContainsKey).ToList();
        foreach (Match directive in UsingDirective().Matches(code))
        {
            var (isStatic, alias, target) = (directive.Groups[1].Success, directive.Groups[2].Success, directive.Groups[3].Value);
            if (!isStatic && !alias && types.ContainsKey(target))
            {
                candidates.Add(target);
            }
            else if (Split(target) is ({ } owner, var type) && types.TryGetValue(owner, out var declared) && declared.Contains(type))
            {
                Use(owner, directive.Value.Trim());
            }
            else if (alias && types.ContainsKey(target))
            {
                Use(target, directive.Value.Trim());
            }
        }

        var body = UsingDirective().Replace(code, string.Empty);
        var names = UnqualifiedName().Matches(body).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var own = types.GetValueOrDefault(ns) ?? [];
        foreach (var candidate in candidates.Distinct())
        {
            if (types[candidate].FirstOrDefault(type => names.Contains(type) && !own.Contains(type)) is { } used)
            {
                Use(candidate, candidate == Global || ns.StartsWith(candidate + ".", StringComparison.Ordinal) ? $"{used} (enclosing namespace)" : $"{used} (using {candidate})");
            }
        }

        foreach (Match qualified in QualifiedName().Matches(body))
        {
            var parts = qualified.Value.Split('.');
            for (var length = parts.Length - 1; length > 0; length--)
            {
                var prefix = string.Join('.', parts[..length]);
                var type = parts[length];
                if (new[] { prefix }.Concat(ancestors.Where(a => a != Global).Append(ns).Select(a => $"{a}.{prefix}"))
                        .FirstOrDefault(candidate => types.TryGetValue(candidate, out var declared) && declared.Contains(type)) is { } target)
                {
                    Use(target, qualified.Value);
                    break;
                }
            }
        }

        return found.Select(pair => new NamespaceDependency(ns, pair.Key, path, pair.Value));
    }

    /// <summary>The enclosing namespaces of <paramref name="ns"/>, nearest first, ending with <see cref="Global"/>.</summary>
    private static IEnumerable<string> Ancestors(string ns)
    {
        if (ns == Global)
        {
            yield break;
        }

        for (var dot = ns.LastIndexOf('.'); dot > 0; dot = ns.LastIndexOf('.', dot - 1))
        {
            yield return ns[..dot];
        }

        yield return Global;
    }

    private static (string? Owner, string Type) Split(string qualified) =>
        qualified.LastIndexOf('.') is var dot and > 0 ? (qualified[..dot], qualified[(dot + 1)..]) : (null, qualified);

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^[ \t]*(?:global\s+)?using\s+(static\s+)?(\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record)\s+(?:class\s+|struct\s+)?([A-Za-z_]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*")]
    private static partial Regex UnqualifiedName();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")]
    private static partial Regex QualifiedName();
}
