using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>
/// <c>registered-models/rename</c> moves every row that names the model, in every table that has a
/// <c>model</c> column — including tables added after this test was written — except the change
/// feed, which keeps the names things happened under.
/// </summary>
public sealed class MlflowRenameTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
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

    private string DatabasePath => Path.Combine(factory.DataDirectory, "registry.db");

    /// <summary>The tables with a <c>model</c> column but the change feed.</summary>
    private List<string> ModelTables()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c ON c.name = 'model' WHERE m.type = 'table' AND m.name <> $feed ORDER BY m.name";
        command.Parameters.AddWithValue("$feed", ChangeFeed);
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private long Rows(string table, string model)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\" WHERE model = $model";
        command.Parameters.AddWithValue("$model", model);
        return (long)command.ExecuteScalar()!;
    }

    private List<string> ForeignKeyViolations()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_key_check";
        using var reader = command.ExecuteReader();
        var violations = new List<string>();
        while (reader.Read())
        {
            violations.Add($"{reader.GetString(0)} row {reader.GetValue(1)} → {reader.GetString(2)}");
        }

        return violations;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
