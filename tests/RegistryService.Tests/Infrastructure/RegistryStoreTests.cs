using Maestro.RegistryService.Extensions;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

public sealed class RegistryStoreTests : IDisposable
{
    private static readonly ModelInspection Inspection = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");

    private readonly string _dataDirectory = TestPaths.NewTempDirectory("store");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RegistryStore _store;

    public RegistryStoreTests() =>
        _store = new RegistryStore(RegistryDatabase.Create(Options.Create(new RegistryOptions { DataDirectory = _dataDirectory })), _time);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void CreateModel_NewName_StoresDescriptionTagsAndClockTime()
    {
        var created = _store.CreateModel("fraud", "card payments", new Dictionary<string, string> { ["team"] = "risk" });

        var model = _store.GetModel("fraud");
        Assert.NotNull(created);
        Assert.NotNull(model);
        Assert.Equal("card payments", model.Description);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, model.Tags);
        Assert.Equal(NowMs, model.CreationTimestamp);
        Assert.Empty(model.LatestVersions);
    }

    [Fact]
    public void CreateModel_TakenName_ReturnsNullAndKeepsTheFirst()
    {
        _store.CreateModel("fraud", "first", new Dictionary<string, string>());

        var second = _store.CreateModel("fraud", "second", new Dictionary<string, string> { ["x"] = "y" });

        Assert.Null(second);
        var model = _store.GetModel("fraud")!;
        Assert.Equal("first", model.Description);
        Assert.Empty(model.Tags);
    }

    [Fact]
    public void AddVersion_UnknownModel_ReturnsNull() =>
        Assert.Null(_store.AddVersion("ghost", null, new string('a', 64), 10, Inspection));

    [Fact]
    public void AddVersion_Twice_NumbersFromOneAndRoundTripsTheSignature()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _time.Advance(TimeSpan.FromSeconds(30));

        var first = _store.AddVersion("fraud", "v1", new string('a', 64), 265, Inspection)!;
        var second = _store.AddVersion("fraud", null, new string('b', 64), 300, Inspection)!;

        Assert.Equal((1, 2), (first.Version, second.Version));
        var read = _store.GetVersion("fraud", 1)!;
        Assert.Equal(("v1", new string('a', 64), 265L, "maestro-samples", "None"), (read.Description, read.Sha256, read.SizeBytes, read.Producer, read.CurrentStage));
        Assert.Equal(NowMs, read.CreationTimestamp);
        Assert.Equal("features", Assert.Single(read.Signature.Inputs).Name);
        Assert.Equal([-1L, 3L], read.Signature.Inputs[0].Shape);
        Assert.Equal(NowMs, _store.GetModel("fraud")!.LastUpdatedTimestamp);
    }

    [Fact]
    public void ListVersions_UnknownModel_ReturnsNullButKnownEmptyModelReturnsEmpty()
    {
        _store.CreateModel("empty", null, new Dictionary<string, string>());

        Assert.Null(_store.ListVersions("ghost"));
        Assert.Empty(_store.ListVersions("empty")!);
    }

    [Fact]
    public void TransitionStage_ArchiveExistingIntoNone_ArchivesNothing()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);

        _store.TransitionStage("fraud", 2, ModelStage.None, archiveExisting: true);

        Assert.Equal("None", _store.GetVersion("fraud", 1)!.CurrentStage);
    }

    [Fact]
    public void TransitionStage_ArchiveExisting_StampsTheArchivedVersionsToo()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        _store.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);
        _time.Advance(TimeSpan.FromHours(1));

        _store.TransitionStage("fraud", 2, ModelStage.Production, archiveExisting: true);

        var archived = _store.GetVersion("fraud", 1)!;
        Assert.Equal("Archived", archived.CurrentStage);
        Assert.Equal(NowMs, archived.LastUpdatedTimestamp);
    }

    [Fact]
    public void TransitionStage_UnknownVersion_ReturnsNullAndArchivesNothing()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        _store.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);

        var changed = _store.TransitionStage("fraud", 9, ModelStage.Production, archiveExisting: true);

        Assert.Null(changed);
        Assert.Equal("Production", _store.GetVersion("fraud", 1)!.CurrentStage);
    }
}
