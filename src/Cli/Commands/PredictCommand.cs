using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using Maestro.Cli.Output;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Commands;

/// <summary><c>maestro predict MODEL 0.5 1.2 3.4</c>: the seed predict API.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext cli)
    {
        var model = new Argument<string>("model");
        var features = new Argument<string[]>("features") { Description = "The feature values, in the model's order", Arity = ArgumentArity.OneOrMore };
        var requestId = new Option<string?>("--request-id") { Description = "Sent as metadata.request_id and echoed back" };
        return cli.Handle(new Command("predict", "Predict with a model's serving version") { model, features, requestId }, async (parse, cancellationToken) =>
        {
            var values = parse.GetValue(features)!.Select(ParseFeature).ToArray();
            using var client = cli.Connect(parse);
            var id = parse.GetValue(requestId);
            var result = await client.SendAsync(HttpMethod.Post, $"/api/v1/models/{Uri.EscapeDataString(parse.GetValue(model)!)}/predict",
                () => JsonContent.Create(id is null ? new { features = values, metadata = (object?)null } : new { features = values, metadata = (object?)new { request_id = id } }),
                cancellationToken);
            cli.Print(parse, result!.Value,
            [
                Column.Of("PREDICTION", "prediction"),
                Column.Of("PROBABILITY", "probability"),
                Column.Of("MODEL VERSION", "model_version"),
                Column.Of("REQUEST ID", "request_id"),
                Column.Of("TIME MS", "processing_time_ms"),
            ]);
        });
    }

    private static double ParseFeature(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new CliException($"'{value}' is not a number: give each feature as a number such as 0.5 or -1.2e3.");
}
