using System.CommandLine;
using System.Text.Json;
using Maestro.Cli.Gateway;
using Maestro.Cli.Output;

namespace Maestro.Cli.Commands;

/// <summary><c>maestro versions list|upload</c>, <c>maestro stage</c> and <c>maestro alias</c>.</summary>
internal static class VersionsCommands
{
    private static readonly Column[] VersionColumns =
    [
        Column.Of("MODEL", "name"),
        Column.Of("VERSION", "version"),
        Column.Of("STAGE", "current_stage"),
        Column.Of("ALIASES", "aliases"),
        new("SIZE", v => v.TryGetProperty("size_bytes", out var size) && size.TryGetInt64(out var bytes) ? ProgressBar.Size(bytes) : ""),
        new("SHA256", v => Cells.Field(v, "sha256") is { Length: > 12 } sha ? sha[..12] : Cells.Field(v, "sha256")),
        Cells.Timestamp("CREATED", "creation_timestamp"),
    ];

    public static IEnumerable<Command> Create(CliContext cli)
    {
        var versions = new Command("versions", "Versions of a model");

        var listModel = new Argument<string>("model");
        versions.Add(cli.Handle(new Command("list", "List a model's versions, newest first") { listModel }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var page = (await client.SendAsync(HttpMethod.Get, $"/api/v1/models/{Escape(parse.GetValue(listModel))}/versions", null, cancellationToken))!.Value;
            cli.Print(parse, page, VersionColumns, json => json.GetProperty("model_versions").EnumerateArray());
        }));

        var uploadModel = new Argument<string>("model") { Description = "The registered model that gets the new version" };
        var file = new Argument<FileInfo>("file") { Description = "The .onnx file" };
        file.AcceptExistingOnly();
        versions.Add(cli.Handle(new Command("upload", "Upload an .onnx file as the model's next version, with a progress bar") { uploadModel, file }, async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            using var client = cli.Connect(parse);
            var bar = new ProgressBar(cli.Environment.Error, cli.Environment.ErrorIsTerminal, $"uploading {Path.GetFileName(path)}");
            var version = await client.SendAsync(HttpMethod.Post, $"/api/v1/models/{Escape(parse.GetValue(uploadModel))}/versions", () =>
            {
                var form = new MultipartFormDataContent();
                var content = new ProgressContent(path, bar.Report);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
                form.Add(content, "file", Path.GetFileName(path));
                return form;
            }, cancellationToken);
            cli.Print(parse, version!.Value, VersionColumns);
        }));

        var stageModel = new Argument<string>("model");
        var stageVersion = new Argument<int>("version");
        var stage = new Argument<string>("stage") { Description = "None, Staging, Production or Archived" };
        stage.AcceptOnlyFromAmong("None", "Staging", "Production", "Archived");
        var archive = new Option<bool>("--archive-existing") { Description = "Archive the versions now in that stage" };
        var stageCommand = cli.Handle(new Command("stage", "Move a version to a stage") { stageModel, stageVersion, stage, archive }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var moved = await client.SendAsync(HttpMethod.Post, $"/api/v1/models/{Escape(parse.GetValue(stageModel))}/versions/{parse.GetValue(stageVersion)}/stage",
                () => System.Net.Http.Json.JsonContent.Create(new { stage = parse.GetValue(stage), archive_existing_versions = parse.GetValue(archive) }), cancellationToken);
            cli.Print(parse, moved!.Value, VersionColumns);
        });

        var aliasModel = new Argument<string>("model");
        var alias = new Argument<string>("alias") { Description = "e.g. production, champion" };
        var aliasVersion = new Argument<int>("version");
        var aliasCommand = cli.Handle(new Command("alias", "Point an alias of a model at a version") { aliasModel, alias, aliasVersion }, async (parse, cancellationToken) =>
        {
            using var client = cli.Connect(parse);
            var set = await client.SendAsync(HttpMethod.Put, $"/api/v1/models/{Escape(parse.GetValue(aliasModel))}/aliases/{Escape(parse.GetValue(alias))}",
                () => System.Net.Http.Json.JsonContent.Create(new { version = parse.GetValue(aliasVersion) }), cancellationToken);
            cli.Print(parse, set!.Value, [Column.Of("MODEL", "name"), Column.Of("ALIAS", "alias"), Column.Of("VERSION", "version")]);
        });

        return [versions, stageCommand, aliasCommand];
    }

    private static string Escape(string? segment) => Uri.EscapeDataString(segment ?? "");
}
