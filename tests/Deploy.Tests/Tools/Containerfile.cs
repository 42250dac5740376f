using System.Text.Json;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>
/// A Containerfile read the way the engines read it: comments dropped, continued lines joined, one
/// instruction per entry, grouped into build stages.
/// </summary>
internal sealed class Containerfile
{
    private Containerfile(IReadOnlyList<Stage> stages, IReadOnlyDictionary<string, string> globalArguments)
    {
        Stages = stages;
        GlobalArguments = globalArguments;
    }

    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>ARGs before the first FROM, with their defaults (the base images).</summary>
    public IReadOnlyDictionary<string, string> GlobalArguments { get; }

    public Stage Final => Stages[^1];

    public static Containerfile Load(string path)
    {
        var instructions = new List<Instruction>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimStart();
            if (pending.Length == 0 && (line.StartsWith('#') || line.Length == 0))
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var joined = (pending + line).Trim();
            pending = "";
            var space = joined.IndexOf(' ');
            instructions.Add(new Instruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim()));
        }

        var globals = new Dictionary<string, string>();
        var stages = new List<Stage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage(words[0], words.Length == 3 ? words[2] : null, new List<Instruction>()));
            }
            else if (stages.Count == 0 && instruction.Keyword == "ARG")
            {
                var pair = instruction.Arguments.Split('=', 2);
                globals[pair[0]] = pair.ElementAtOrDefault(1) ?? "";
            }
            else
            {
                ((List<Instruction>)stages[^1].Instructions).Add(instruction);
            }
        }

        return new Containerfile(stages, globals);
    }

    /// <summary>One FROM and what follows it.</summary>
    public sealed record Stage(string BaseImage, string? Name, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

        public Instruction? Last(string keyword) => All(keyword).LastOrDefault();

        /// <summary>The stage's ENV settings (key=value pairs), later ones winning.</summary>
        public IReadOnlyDictionary<string, string> Environment() =>
            All("ENV").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(pair => pair.Split('=', 2))
                .GroupBy(pair => pair[0])
                .ToDictionary(group => group.Key, group => group.Last().ElementAtOrDefault(1) ?? "");
    }

    /// <summary>An instruction with its arguments on one line.</summary>
    public sealed record Instruction(string Keyword, string Arguments)
    {
        /// <summary>The words of an exec-form (JSON array) instruction such as ENTRYPOINT or HEALTHCHECK's CMD.</summary>
        public string[] ExecForm(string prefix = "")
        {
            var json = Arguments[(Arguments.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].Trim();
            return JsonSerializer.Deserialize<string[]>(json) ?? [];
        }

        /// <summary>COPY's sources (not its options, not its destination).</summary>
        public IReadOnlyList<string> CopySources() =>
            Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(word => !word.StartsWith("--", StringComparison.Ordinal)).SkipLast(1).ToArray();

        public string? Option(string name) =>
            Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(word => word.StartsWith($"--{name}=", StringComparison.Ordinal))?[(name.Length + 3)..];
    }
}
