using System.CommandLine;
using System.Net.Http.Json;
using Maestro.Cli.Output;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Commands;

/// <summary><c>maestro keys create|list|revoke</c> (scope admin).</summary>
internal static class KeysCommands
{
    private static readonly Column[] KeyColumns =
    [
        Column.Of("ID", "id"),
        Column.Of("NAME", "name"),
        Column.Of("SCOPES", "scopes"),
        Column.Of("PLAN", "plan"),
        Column.Of("RATE LIMIT", "rate_limit"),
        Column.Of("CREATED", "created"),
        Column.Of("LAST USED", "last_used"),
        Column.Of("REVOKED", "revoked"),
    ];

    public static Command Create(CliContext cli)
    {
        var keys = new Command("keys", "API keys (needs an admin key)");

        var name = new Argument<string>("name") { Description = "Who or what uses the key" };
        var scopes = new Option<string[]>("--scope") { Description = "models:read, models:write, predict, admin or metrics (repeatable)", Required = true };
        var plan = new Option<string?>("--plan") { Description = "The quota plan (free, pro, …)" };
        var rpm = new Option<int?>("--requests-per-minute") { Description = "The key's own quota, overriding its plan (with --burst)" };
        var burst = new Option<int?>("--burst") { Description = "How many requests the key's bucket holds (with --requests-per-minute)" };
        keys.Add(cli.Handle(new Command("create", "Create an API key; the key is shown once") { name, scopes, plan, rpm, burst }, async (parse, cancellationToken) =>
        {
            var (perMinute, size) = (parse.GetValue(rpm), parse.GetValue(burst));
            if (perMinute is null != size is null)
            {
                throw new CliException("Give --requests-per-minute and --burst together (or neither, for the plan's quota).");
            }

            using var client = cli.Connect(parse);
            var created = await client.SendAsync(HttpMethod.Post, "/admin/api-keys", () => JsonContent.Create(new
            {
                name = parse.GetValue(name),
                scopes = parse.GetValue(scopes),
                plan = parse.GetValue(plan),
                rate_limit = perMinute is null ? null : new { requests_per_minute = perMinute, burst = size },
            }), cancellationToken);
            cli.Print(parse, created!.Value, [Column.Of("ID", "id"), Column.Of("KEY", "key"), .. KeyColumns.Skip(1).Take(4)]);
            cli.Environment.Error.WriteLine("Store the key now: the gateway keeps only its hash and cannot show it again.");
        }));

        keys.Add(cli.Handle(new Command("list", "List API keys (never their secrets), revoked ones included"), async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var list = await client.SendAsync(HttpMethod.Get, "/admin/api-keys", null, cancellationToken);
            cli.Print(parse, list!.Value, KeyColumns, json => json.GetProperty("api_keys").EnumerateArray());
        }));

        var id = new Argument<string>("id") { Description = "The key's id (key_…), from `maestro keys list`" };
        keys.Add(cli.Handle(new Command("revoke", "Revoke an API key on every gateway replica") { id }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            await client.SendAsync(HttpMethod.Delete, $"/admin/api-keys/{Uri.EscapeDataString(parse.GetValue(id)!)}", null, cancellationToken);
            cli.Environment.Out.WriteLine($"Revoked {parse.GetValue(id)}.");
        }));
        return keys;
    }
}
