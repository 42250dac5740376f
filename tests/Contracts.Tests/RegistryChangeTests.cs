using System.Text.Json;

namespace Maestro.Contracts.Tests;

public sealed class RegistryChangeTests
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The object <c>GET /api/v1/changes</c> lists and the registry publishes on <see cref="ChangeFeed.Channel"/>.</summary>
    [Fact]
    public void Serialize_SnakeCase_IsTheChangeFeedsJsonObject()
    {
        var change = new RegistryChange(42, "fraud-detector", ChangeKinds.StageChanged, "3", 1_700_000_000_000);

        Assert.Equal("""{"sequence":42,"model":"fraud-detector","kind":"stage_changed","version":"3","timestamp":1700000000000}""",
            JsonSerializer.Serialize(change, SnakeCase));
    }

    [Fact]
    public void Deserialize_FeedPage_ReadsEveryChangeAndTheLastSequence()
    {
        const string json = """{"changes":[{"sequence":7,"model":"m","kind":"model_deleted","version":null,"timestamp":5}],"last_sequence":9}""";

        var page = JsonSerializer.Deserialize<ChangePage>(json, SnakeCase)!;

        Assert.Equal(9, page.LastSequence);
        Assert.Equal(new RegistryChange(7, "m", ChangeKinds.ModelDeleted, null, 5), Assert.Single(page.Changes));
    }
}
