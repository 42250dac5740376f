using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.RegistryService.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>
/// <c>registered-models/rename</c> moves every row that names the model, in every table that has a
/// <c>model</c> column — including tables added after this test was written — except the change
/// feed, which keeps the names things happened under.
/// </summary>
public abstract class MlflowRenameTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Rename_ModelWithRowsInEveryTable_LeavesNoRowUnderTheOldNameAndNoBrokenReference()
    {
        var name = await _client.ModelWithVersionsAsync("ml-rename-all", 2);
        var newName = RegistryClient.UniqueName("ml-rename-all-new");
        await _client.MlflowPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" }).OkJsonAsync();
        await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "1", key = "data", value = "2024" }).OkJsonAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" }).OkJsonAsync();
        await _client.MlflowPostAsync("model-versions/create", new { name, source = $"models:/{name}/1" }).OkJsonAsync();
        using (var stored = await _client.PutAsJsonAsync($"/api/v1/model-cards/{name}/versions/1", new { intended_use = "scoring card payments" }))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var tables = ModelTables();
        Assert.All(tables, table => Assert.True(Rows(table, name) > 0, $"the test puts no row for the model in {table}"));

        await _client.MlflowPostAsync("registered-models/rename", new { name, new_name = newName }).OkJsonAsync();

        Assert.All(tables, table =>
        {
            Assert.Equal(0, Rows(table, name));
            Assert.True(Rows(table, newName) > 0, $"{table} lost the model's rows");
        });
        Assert.Empty(ForeignKeyViolations());
        Assert.True(Rows(ChangeFeed, name) > 0, "the change feed forgot the old name's history");
        Assert.Equal(0, Rows(ChangeFeed, newName));
        var card = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/model-cards/{newName}/versions/1");
        Assert.Equal("scoring card payments", card.GetProperty("sections").GetProperty("intended_use").GetString());
    }

    private const string ChangeFeed = "changes";

    private IRegistryDatabase Database => factory.Services.GetRequiredService<IRegistryDatabase>();

    private bool IsPostgres => factory.Backend == StoreBackend.Postgres;

    /// <summary>The tables with a <c>model</c> column but the change feed.</summary>
    private List<string> ModelTables() => Strings(IsPostgres
        ? "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'model' AND table_name <> @feed ORDER BY table_name"
        : "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c ON c.name = 'model' WHERE m.type = 'table' AND m.name <> @feed ORDER BY m.name",
        ("@feed", ChangeFeed));

    private long Rows(string table, string model)
    {
        using var connection = Database.Open();
        return Convert.ToInt64(Sql.Scalar(connection, null, $"SELECT COUNT(*) FROM \"{table}\" WHERE model = @model", ("@model", model)));
    }

    /// <summary>
    /// Rows whose foreign key names no row: SQLite's own check, and on PostgreSQL the same question asked
    /// of every foreign key in the catalog (its deferred checks would also refuse such a commit).
    /// </summary>
    private List<string> ForeignKeyViolations()
    {
        if (!IsPostgres)
        {
            return Strings("SELECT \"table\" || ' row ' || rowid || ' → ' || parent FROM pragma_foreign_key_check");
        }

        var checks = Strings(
            """
            SELECT format('SELECT %L || '' → '' || %L FROM %I c WHERE NOT EXISTS (SELECT 1 FROM %I p WHERE %s)',
                          con.conrelid::regclass::text, con.confrelid::regclass::text, con.conrelid::regclass::text, con.confrelid::regclass::text,
                          string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND '))
            FROM pg_constraint con
            JOIN LATERAL unnest(con.conkey, con.confkey) AS k(child, parent) ON true
            JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child
            JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent
            WHERE con.contype = 'f' AND con.connamespace = current_schema()::regnamespace
            GROUP BY con.oid, con.conrelid, con.confrelid
            """);
        Assert.NotEmpty(checks);
        return [.. checks.SelectMany(check => Strings(check))];
    }

    private List<string> Strings(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Database.Open();
        using var command = Sql.Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public sealed class OnSqlite(RegistryFactory factory) : MlflowRenameTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : MlflowRenameTests(factory), IClassFixture<PostgresRegistryFactory>;
}
