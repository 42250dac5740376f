using Maestro.RegistryService.Extensions;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Maestro.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>The audit trail and change feed are written in the same transaction as the change they describe.</summary>
public sealed class RegistryWriteTests : IDisposable
{
    private static readonly ModelInspection Inspection = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");

    private readonly string _dataDirectory = TestPaths.NewTempDirectory("write");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _publisher = new();
    private readonly HttpContextAccessor _http = new();
    private readonly RegistryDatabase _database;
    private readonly RegistryStore _store;

    public RegistryWriteTests()
    {
        _database = RegistryDatabase.Create(Options.Create(new RegistryOptions { DataDirectory = _dataDirectory }));
        _store = new RegistryStore(_database, _time, new AuditActor(_http), _publisher);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public void TransitionStage_AuditInsertFails_StageUnchangedNothingInTheFeedNothingPublished()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        var changesBefore = _store.ListChanges(0, 1000).LastSequence;
        var published = _publisher.Published.Count;
        FailInsertsInto("events");

        Assert.Throws<SqliteException>(() => _store.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: true));

        Assert.Equal("None", _store.GetVersion("fraud", 1)!.CurrentStage);
        Assert.Equal(changesBefore, _store.ListChanges(0, 1000).LastSequence);
        Assert.Equal(published, _publisher.Published.Count);
    }

    [Fact]
    public void AddVersion_ChangeFeedInsertFails_NoVersionAndItsNumberIsNotUsedUp()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        FailInsertsInto("changes");

        Assert.Throws<SqliteException>(() => _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection));

        Assert.Empty(_store.ListVersions("fraud")!);
        Assert.Equal([AuditActions.ModelCreated], Actions("fraud"));
        AllowInserts();
        Assert.Equal(1, _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection)!.Version);
    }

    [Fact]
    public void TransitionStage_ArchiveExisting_OneEventAndChangePerVersionWhoseStageMoved()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        for (var i = 0; i < 3; i++)
        {
            _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        }

        _store.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);
        _store.TransitionStage("fraud", 2, ModelStage.Production, archiveExisting: false);
        var since = _store.ListChanges(0, 1000).LastSequence;

        _store.TransitionStage("fraud", 3, ModelStage.Production, archiveExisting: true);

        var events = _store.ListEvents("fraud", 3, null)!.Value.Events;
        Assert.Equal(
            [(2, "archive_existing_versions", "Production", "Archived"), (1, "archive_existing_versions", "Production", "Archived"), (3, null, "None", "Production")],
            events.Select(e => (e.Version!.Value, e.Key, e.From!, e.To!)).ToArray());
        var changes = _store.ListChanges(since, 1000).Changes;
        Assert.Equal([("3", ChangeKinds.StageChanged), ("1", ChangeKinds.StageChanged), ("2", ChangeKinds.StageChanged)], changes.Select(c => (c.Version!, c.Kind)).ToArray());
        Assert.Equal(changes, _publisher.Published.TakeLast(3));
    }

    [Fact]
    public void TransitionStage_ToTheStageItIsIn_RecordsNothing()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.AddVersion("fraud", null, new string('a', 64), 1, Inspection);
        var since = _store.ListChanges(0, 1000).LastSequence;

        _store.TransitionStage("fraud", 1, ModelStage.None, archiveExisting: false);

        Assert.Empty(_store.ListChanges(since, 1000).Changes);
        Assert.Equal([AuditActions.VersionCreated, AuditActions.ModelCreated], Actions("fraud"));
    }

    [Fact]
    public void Changes_CallerHeader_IsTheActorAndTimestampIsTheClock()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AuditActor.HeaderName] = "key-ops-7";
        _http.HttpContext = context;

        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _http.HttpContext = null;
        _store.SetModelTag("fraud", "team", "risk");

        var events = _store.ListEvents("fraud", 10, null)!.Value.Events;
        Assert.Equal([("tag_set", "anonymous"), ("model_created", "key-ops-7")], events.Select(e => (e.Action, e.Actor)).ToArray());
        Assert.All(events, e => Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), e.Timestamp));
    }

    [Fact]
    public void ListEvents_DeletedModel_KeepsItsTrailEndingWithTheDeletion()
    {
        _store.CreateModel("fraud", null, new Dictionary<string, string>());
        _store.DeleteModel("fraud");

        Assert.Equal([AuditActions.ModelDeleted, AuditActions.ModelCreated], Actions("fraud"));
        Assert.Null(_store.ListEvents("never-registered", 10, null));
    }

    private string[] Actions(string name) => [.. _store.ListEvents(name, 1000, null)!.Value.Events.Select(e => e.Action)];

    private void FailInsertsInto(string table)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TRIGGER fail_inserts BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;";
        command.ExecuteNonQuery();
    }

    private void AllowInserts()
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER fail_inserts";
        command.ExecuteNonQuery();
    }

    private sealed class RecordingPublisher : IChangePublisher
    {
        public List<RegistryChange> Published { get; } = [];

        public void Publish(IReadOnlyList<RegistryChange> changes) => Published.AddRange(changes);
    }
}
