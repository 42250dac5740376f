using System.CommandLine;
using Maestro.Cli.Commands;
using Maestro.Cli.Shell;

namespace Maestro.Cli;

/// <summary>The <c>maestro</c> command tree.</summary>
internal static class CliApp
{
    public static RootCommand Create(CliEnvironment environment)
    {
        var cli = new CliContext(environment);
        var root = new RootCommand("maestro: models, versions, stages, aliases, predictions and API keys through a Maestro gateway")
        {
            cli.Output,
            cli.Url,
            cli.Key,
        };
        foreach (var command in LoginCommands.Create(cli))
        {
            root.Add(command);
        }

        root.Add(ModelsCommands.Create(cli));
        foreach (var command in VersionsCommands.Create(cli))
        {
            root.Add(command);
        }

        root.Add(PredictCommand.Create(cli));
        root.Add(KeysCommands.Create(cli));
        return root;
    }
}
