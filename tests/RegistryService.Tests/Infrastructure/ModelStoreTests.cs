using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

public abstract class ModelStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestStores _stores;

    private ModelStoreTests(StoreBackend backend) => _stores = new TestStores("store", _time, backend: backend);

    public void Dispose() => _stores.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void Create_NewName_StoresDescriptionTagsAndClockTime()
    {
        var created = _stores.Models.Create("fraud", "card payments", new Dictionary<string, string> { ["team"] = "risk" });

        var model = _stores.Models.Get("fraud");
        Assert.Equal(StoreOutcome.Done, created.Outcome);
        Assert.Equal("fraud", created.Value!.Name);
        Assert.NotNull(model);
        Assert.Equal("card payments", model.Description);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, model.Tags);
        Assert.Equal(NowMs, model.CreationTimestamp);
        Assert.Empty(model.LatestVersions);
    }

    [Fact]
    public void Create_TakenName_SaysNameTakenAndKeepsTheFirst()
    {
        _stores.Models.Create("fraud", "first", new Dictionary<string, string>());

        var second = _stores.Models.Create("fraud", "second", new Dictionary<string, string> { ["x"] = "y" });

        Assert.Equal(StoreOutcome.NameTaken, second.Outcome);
        Assert.Null(second.Value);
        var model = _stores.Models.Get("fraud")!;
        Assert.Equal("first", model.Description);
        Assert.Empty(model.Tags);
    }

    [Fact]
    public void UpdateDescription_RevisionNoLongerCurrent_SaysStaleAndChangesNothing()
    {
        var revision = _stores.Models.Create("fraud", "first", new Dictionary<string, string>()).Value!.Revision;
        _stores.Labels.SetModelTag("fraud", "team", "risk");

        var updated = _stores.Models.UpdateDescription("fraud", "second", [revision]);

        Assert.Equal(StoreOutcome.Stale, updated.Outcome);
        Assert.Equal("first", _stores.Models.Get("fraud")!.Description);
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Models.UpdateDescription("ghost", "x", null).Outcome);
    }

    [Fact]
    public void Rename_ToATakenName_SaysNameTakenAndKeepsBoth()
    {
        _stores.Models.Create("a", null, new Dictionary<string, string>());
        _stores.Models.Create("b", null, new Dictionary<string, string>());

        Assert.Equal(StoreOutcome.NameTaken, _stores.Models.Rename("a", "b").Outcome);
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Models.Rename("ghost", "c").Outcome);
        Assert.Equal("c", _stores.Models.Rename("a", "c").Value!.Name);
        Assert.Equal(["b", "c"], _stores.Models.Search(ModelFilter.All, 10, null).Models.Select(m => m.Name));
    }

    [Fact]
    public void Delete_UnknownModel_SaysModelNotFound() =>
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Models.Delete("ghost"));

    public sealed class OnSqlite() : ModelStoreTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : ModelStoreTests(StoreBackend.Postgres);
}
