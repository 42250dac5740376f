using System.CommandLine;
using Maestro.Cli.Config;
using Maestro.Cli.Gateway;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Commands;

/// <summary><c>maestro login</c> and <c>maestro logout</c>: the saved gateway URL and API key.</summary>
internal static class LoginCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        var login = cli.Handle(new Command("login", "Check an API key against a gateway and save both in the user's config (mode 0600)"), async (parse, cancellationToken) =>
        {
            var url = parse.GetValue(cli.Url) ?? throw new CliException("`maestro login` needs --url <gateway>, e.g. --url http://localhost:8000.");
            var key = parse.GetValue(cli.Key) ?? throw new CliException("`maestro login` needs --key <api key> (an mk_… key from an admin).");
            using var client = GatewayClient.Create(url, key);
            try
            {
                // Any valid key may exchange itself for a token: the cheapest check that works for every scope.
                using var _ = await client.SendRawAsync(HttpMethod.Post, "/auth/token", null, cancellationToken);
            }
            catch (GatewayException e) when (GatewayClient.IsNotFound(e))
            {
                // A gateway that takes tokens from an identity provider only has no /auth/token; the key was not refused.
            }
            catch (GatewayException e) when (e.Status == 401)
            {
                throw new CliException($"The gateway at {client.BaseAddress} refused the key: {e.Detail}");
            }

            cli.Config.Save(new CliConfig(client.BaseAddress.ToString().TrimEnd('/'), key));
            cli.Environment.Out.WriteLine($"Logged in to {client.BaseAddress.ToString().TrimEnd('/')}; saved to {cli.Config.FilePath}.");
        });

        var logout = cli.Handle(new Command("logout", "Forget the saved gateway and API key"), (_, _) =>
        {
            cli.Environment.Out.WriteLine(cli.Config.Delete() ? $"Removed {cli.Config.FilePath}." : "Not logged in.");
            return Task.CompletedTask;
        });
        return [login, logout];
    }
}
