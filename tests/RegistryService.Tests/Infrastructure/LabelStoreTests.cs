using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>Aliases and tags: each change says what it could not find, in the same write that would have made it.</summary>
public abstract class LabelStoreTests : IDisposable
{
    private static readonly ModelInspection Inspection = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");

    private readonly TestStores _stores;

    private LabelStoreTests(StoreBackend backend)
    {
        _stores = new("labels", new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero)), backend: backend);
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
    }

    public void Dispose() => _stores.Dispose();

    [Fact]
    public void SetAlias_MissingModelOrVersion_SaysWhichAndSetsNothing()
    {
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.SetAlias("ghost", "production", 1).Outcome);
        Assert.Equal(StoreOutcome.VersionNotFound, _stores.Labels.SetAlias("fraud", "production", 9).Outcome);
        Assert.Empty(_stores.Models.Get("fraud")!.Aliases);
    }

    [Fact]
    public void GetAlias_MissingModelOrAlias_SaysWhich()
    {
        _stores.Labels.SetAlias("fraud", "production", 1);

        Assert.Equal(1, _stores.Labels.GetAlias("fraud", "production").Value!.Version);
        Assert.Equal(StoreOutcome.AliasNotFound, _stores.Labels.GetAlias("fraud", "staging").Outcome);
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.GetAlias("ghost", "production").Outcome);
    }

    [Fact]
    public void DeleteAlias_MissingModelOrAlias_SaysWhich()
    {
        Assert.Equal(StoreOutcome.AliasNotFound, _stores.Labels.DeleteAlias("fraud", "production"));
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.DeleteAlias("ghost", "production"));
    }

    [Fact]
    public void DeleteVersionTag_MissingModelVersionOrTag_SaysWhichAndLeavesTheModelUntouched()
    {
        var revision = _stores.Models.Get("fraud")!.Revision;

        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.DeleteVersionTag("ghost", 1, "k"));
        Assert.Equal(StoreOutcome.VersionNotFound, _stores.Labels.DeleteVersionTag("fraud", 9, "k"));
        Assert.Equal(StoreOutcome.TagNotFound, _stores.Labels.DeleteVersionTag("fraud", 1, "k"));
        Assert.Equal(revision, _stores.Models.Get("fraud")!.Revision);
    }

    [Fact]
    public void SetVersionTag_ExistingVersion_AnswersTheVersionWithTheTag()
    {
        var tagged = _stores.Labels.SetVersionTag("fraud", 1, "owner", "risk");

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "risk" }, tagged.Value!.Tags);
        Assert.Equal(StoreOutcome.Done, _stores.Labels.DeleteVersionTag("fraud", 1, "owner"));
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.SetVersionTag("ghost", 1, "owner", "risk").Outcome);
    }

    [Fact]
    public void DeleteModelTag_MissingModelOrTag_SaysWhich()
    {
        Assert.Equal("risk", _stores.Labels.SetModelTag("fraud", "team", "risk").Value!.Tags["team"]);

        Assert.Equal(StoreOutcome.Done, _stores.Labels.DeleteModelTag("fraud", "team"));
        Assert.Equal(StoreOutcome.TagNotFound, _stores.Labels.DeleteModelTag("fraud", "team"));
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Labels.DeleteModelTag("ghost", "team"));
    }

    public sealed class OnSqlite() : LabelStoreTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : LabelStoreTests(StoreBackend.Postgres);
}
