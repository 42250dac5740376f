using System.Diagnostics;
using System.Text.Json;
using Maestro.RegistryService.Apis;
using Maestro.RegistryService.Infrastructure.Sqlite;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryBench;

/// <summary>
/// <c>GET /api/v1/models</c> in-process, without the network: the handler (page token, filter,
/// store query) and the JSON the response would carry, for every page of a registry holding
/// <c>models</c> models, each with two tags and a version in Production.
/// </summary>
internal static class ListingBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static int Run(string dataDirectory, int models, int pageSize, int passes)
    {
        var database = SqliteRegistryDatabase.Create(Options.Create(new RegistryOptions { DataDirectory = dataDirectory }));
        var store = new ModelStore(new RegistryWrites(database, TimeProvider.System));
        Fill(database, models);

        var perPage = new List<double>();
        for (var pass = 0; pass <= passes; pass++)
        {
            var timings = ListEveryPage(store, pageSize, out var listed);
            if (listed != models)
            {
                Console.Error.WriteLine($"Listed {listed} models, expected {models}.");
                return 1;
            }

            if (pass > 0)
            {
                perPage.AddRange(timings); // pass 0 warms up.
            }
        }

        Console.WriteLine($"list_models={models}");
        Console.WriteLine($"list_page_size={pageSize}");
        Console.WriteLine($"list_pages={perPage.Count / passes}");
        Medians.Print("list_median_ms", Medians.Of(perPage));
        Medians.Print("list_p95_ms", Medians.Percentile(perPage, 0.95));
        return 0;
    }

    private static List<double> ListEveryPage(ModelStore store, int pageSize, out int listed)
    {
        var timings = new List<double>();
        listed = 0;
        string? token = null;
        do
        {
            var watch = Stopwatch.StartNew();
            var result = ModelsApi.ListModels(store, null, pageSize, token).Result;
            if (result is not Ok<ModelPage> { Value: { } page })
            {
                throw new InvalidOperationException($"Listing answered {result}.");
            }

            _ = JsonSerializer.SerializeToUtf8Bytes(page, Json);
            timings.Add(watch.Elapsed.TotalMilliseconds);
            listed += page.Models.Count;
            token = page.NextPageToken;
        }
        while (token is not null);

        return timings;
    }

    /// <summary>Writes the models in one transaction: the setup is not what is measured.</summary>
    private static void Fill(SqliteRegistryDatabase database, int models)
    {
        const string Signature = """{"inputs":[{"name":"features","datatype":"FP32","shape":[-1,3]}],"outputs":[{"name":"probability","datatype":"FP32","shape":[-1,1]}]}""";
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < models; i++)
        {
            var name = $"model-{i:D5}";
            Execute(connection, transaction,
                "INSERT INTO models (name, description, created_at, updated_at, next_version) VALUES ($name, 'bench', $now, $now, 2)",
                ("$name", name), ("$now", now));
            Execute(connection, transaction,
                "INSERT INTO model_tags (model, key, value) VALUES ($name, 'team', 'risk'), ($name, 'tier', 'gold')", ("$name", name));
            Execute(connection, transaction,
                """
                INSERT INTO versions (model, version, stage, description, sha256, size_bytes, producer, signature, created_at, updated_at)
                VALUES ($name, 1, $stage, NULL, $sha, 265, 'bench', $signature, $now, $now)
                """,
                ("$name", name), ("$stage", nameof(ModelStage.Production)), ("$sha", new string('a', 64)), ("$signature", Signature), ("$now", now));
        }

        transaction.Commit();
    }
}
