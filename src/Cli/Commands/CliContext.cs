using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Maestro.Cli.Config;
using Maestro.Cli.Gateway;
using Maestro.Cli.Output;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Commands;

/// <summary>What every command shares: the global options, the saved login, output and error reporting.</summary>
internal sealed class CliContext(CliEnvironment environment)
{
    /// <summary>Indented, and without escaping what a terminal shows fine (+, &lt;, non-ASCII).</summary>
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public CliEnvironment Environment { get; } = environment;

    public ConfigStore Config { get; } = new(environment);

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "How results are printed: table (for people) or json (the gateway's JSON)",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The gateway (default: {CliEnvironment.UrlVariable}, else the one saved by `maestro login`)",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"The API key (default: {CliEnvironment.KeyVariable}, else the one saved by `maestro login`)",
        Recursive = true,
    };

    /// <summary>A client for the gateway named by <c>--url</c>/<c>--key</c>, the environment or the saved login, in that order.</summary>
    public GatewayClient Connect(ParseResult parse)
    {
        var saved = Config.Load();
        var url = parse.GetValue(Url) ?? Environment.Variable(CliEnvironment.UrlVariable) ?? saved?.Url;
        var key = parse.GetValue(Key) ?? Environment.Variable(CliEnvironment.KeyVariable) ?? saved?.ApiKey;
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(key))
        {
            throw new CliException($"Not logged in: run `maestro login --url <gateway> --key <api key>` (or set {CliEnvironment.UrlVariable} and {CliEnvironment.KeyVariable}).");
        }

        return GatewayClient.Create(url, key, message => Environment.Error.WriteLine(message));
    }

    /// <summary>Prints <paramref name="json"/> as it came (<c>--output json</c>) or its <paramref name="rows"/> as a table.</summary>
    public void Print(ParseResult parse, JsonElement json, IReadOnlyList<Column> columns, Func<JsonElement, IEnumerable<JsonElement>>? rows = null)
    {
        if (parse.GetValue(Output) == OutputFormat.Json)
        {
            Environment.Out.WriteLine(JsonSerializer.Serialize(json, Indented));
            return;
        }

        TableWriter.Write(Environment.Out, columns, rows?.Invoke(json) ?? [json]);
    }

    /// <summary>One object as a two-column table of its properties (<c>show</c> commands).</summary>
    public void PrintFields(ParseResult parse, JsonElement json, params (string Field, Func<JsonElement, string> Value)[] fields)
    {
        if (parse.GetValue(Output) == OutputFormat.Json)
        {
            Environment.Out.WriteLine(JsonSerializer.Serialize(json, Indented));
            return;
        }

        var width = fields.Max(f => f.Field.Length);
        foreach (var (field, value) in fields)
        {
            Environment.Out.WriteLine($"{field.PadRight(width)}  {value(json)}".TrimEnd());
        }
    }

    /// <summary>Sets the command's action: failures the user can act on print one line on stderr and exit with 1.</summary>
    public Command Handle(Command command, Func<ParseResult, CancellationToken, Task> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await action(parse, cancellationToken);
                return 0;
            }
            catch (GatewayException e)
            {
                Environment.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            catch (CliException e)
            {
                Environment.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
