using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

public abstract class VersionStoreTests : IDisposable
{
    private static readonly ModelInspection Inspection = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestStores _stores;

    private VersionStoreTests(StoreBackend backend) => _stores = new TestStores("store", _time, backend: backend);

    public void Dispose() => _stores.Dispose();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void Add_UnknownModel_SaysModelNotFound() =>
        Assert.Equal(StoreOutcome.ModelNotFound, _stores.Versions.Add("ghost", null, new string('a', 64), 10, Inspection).Outcome);

    [Fact]
    public void Add_Twice_NumbersFromOneAndRoundTripsTheSignature()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _time.Advance(TimeSpan.FromSeconds(30));

        var first = _stores.Versions.Add("fraud", "v1", new string('a', 64), 265, Inspection).Value!;
        var second = _stores.Versions.Add("fraud", null, new string('b', 64), 300, Inspection).Value!;

        Assert.Equal((1, 2), (first.Version, second.Version));
        var read = _stores.Versions.Get("fraud", 1)!;
        Assert.Equal(("v1", new string('a', 64), 265L, "maestro-samples", "None"), (read.Description, read.Sha256, read.SizeBytes, read.Producer, read.CurrentStage));
        Assert.Equal(NowMs, read.CreationTimestamp);
        Assert.Equal("features", Assert.Single(read.Signature.Inputs).Name);
        Assert.Equal([-1L, 3L], read.Signature.Inputs[0].Shape);
        Assert.Equal(NowMs, _stores.Models.Get("fraud")!.LastUpdatedTimestamp);
    }

    [Fact]
    public void List_UnknownModel_ReturnsNullButKnownEmptyModelReturnsEmpty()
    {
        _stores.Models.Create("empty", null, new Dictionary<string, string>());

        Assert.Null(_stores.Versions.List("ghost"));
        Assert.Empty(_stores.Versions.List("empty")!);
    }

    [Fact]
    public void TransitionStage_ArchiveExistingIntoNone_ArchivesNothing()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);

        _stores.Versions.TransitionStage("fraud", 2, ModelStage.None, archiveExisting: true);

        Assert.Equal("None", _stores.Versions.Get("fraud", 1)!.CurrentStage);
    }

    [Fact]
    public void TransitionStage_ArchiveExisting_StampsTheArchivedVersionsToo()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        _stores.Versions.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);
        _time.Advance(TimeSpan.FromHours(1));

        _stores.Versions.TransitionStage("fraud", 2, ModelStage.Production, archiveExisting: true);

        var archived = _stores.Versions.Get("fraud", 1)!;
        Assert.Equal("Archived", archived.CurrentStage);
        Assert.Equal(NowMs, archived.LastUpdatedTimestamp);
    }

    [Fact]
    public void TransitionStage_UnknownVersion_SaysVersionNotFoundAndArchivesNothing()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        _stores.Versions.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);

        var changed = _stores.Versions.TransitionStage("fraud", 9, ModelStage.Production, archiveExisting: true);

        Assert.Equal(StoreOutcome.VersionNotFound, changed.Outcome);
        Assert.Equal("Production", _stores.Versions.Get("fraud", 1)!.CurrentStage);
    }

    public sealed class OnSqlite() : VersionStoreTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : VersionStoreTests(StoreBackend.Postgres);
}
