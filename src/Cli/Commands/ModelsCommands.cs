using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Cli.Output;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Commands;

/// <summary><c>maestro models list|create|show</c>.</summary>
internal static class ModelsCommands
{
    private static readonly Column[] ModelColumns =
    [
        Column.Of("NAME", "name"),
        new("VERSIONS", Cells.Versions),
        Column.Of("ALIASES", "aliases"),
        Column.Of("TAGS", "tags"),
        Column.Of("DESCRIPTION", "description"),
    ];

    public static Command Create(CliContext cli)
    {
        var models = new Command("models", "Registered models");

        var filter = new Option<string?>("--filter") { Description = "A filter_string, e.g. \"name LIKE '%fraud%' AND tags.team = 'risk'\"" };
        var pageSize = new Option<int>("--page-size") { Description = "Models fetched per request (every page is listed)", DefaultValueFactory = _ => 100 };
        var list = cli.Handle(new Command("list", "List every model, following next_page_token") { filter, pageSize }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var all = new List<JsonElement>();
            string? token = null;
            do
            {
                var query = $"max_results={parse.GetValue(pageSize)}"
                    + (parse.GetValue(filter) is { } f ? "&filter_string=" + Uri.EscapeDataString(f) : "")
                    + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token));
                var page = (await client.SendAsync(HttpMethod.Get, "/api/v1/models?" + query, null, cancellationToken))!.Value;
                all.AddRange(page.GetProperty("models").EnumerateArray());
                token = page.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (!string.IsNullOrEmpty(token));

            cli.Print(parse, JsonSerializer.SerializeToElement(all), ModelColumns, json => json.EnumerateArray());
        });

        var name = new Argument<string>("name") { Description = "The model's name (1–128 of A-Z a-z 0-9 . _ -)" };
        var description = new Option<string?>("--description", "-d") { Description = "What the model does" };
        var tags = new Option<string[]>("--tag") { Description = "A tag key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var create = cli.Handle(new Command("create", "Register a new model") { name, description, tags }, async (parse, cancellationToken) =>
        {
            var tagMap = (parse.GetValue(tags) ?? []).Select(ParseTag).ToDictionary(t => t.Key, t => t.Value);
            using var client = cli.Connect(parse);
            var created = await client.SendAsync(HttpMethod.Post, "/api/v1/models",
                () => JsonContent.Create(new { name = parse.GetValue(name), description = parse.GetValue(description), tags = tagMap }), cancellationToken);
            cli.Print(parse, created!.Value, ModelColumns);
        });

        var showName = new Argument<string>("name") { Description = "The model's name" };
        var show = cli.Handle(new Command("show", "Show a model: description, tags, aliases, latest versions") { showName }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var model = (await client.SendAsync(HttpMethod.Get, $"/api/v1/models/{Uri.EscapeDataString(parse.GetValue(showName)!)}", null, cancellationToken))!.Value;
            cli.PrintFields(parse, model,
                ("name", m => Cells.Field(m, "name")),
                ("description", m => Cells.Field(m, "description")),
                ("tags", m => Cells.Field(m, "tags")),
                ("aliases", m => Cells.Field(m, "aliases")),
                ("versions", Cells.Versions),
                ("created", m => Cells.Timestamp("", "creation_timestamp").Cell(m)),
                ("updated", m => Cells.Timestamp("", "last_updated_timestamp").Cell(m)));
        });

        models.Add(list);
        models.Add(create);
        models.Add(show);
        return models;
    }

    private static KeyValuePair<string, string> ParseTag(string tag)
    {
        var at = tag.IndexOf('=', StringComparison.Ordinal);
        return at > 0
            ? new(tag[..at], tag[(at + 1)..])
            : throw new CliException($"--tag '{tag}' is not key=value.");
    }
}
