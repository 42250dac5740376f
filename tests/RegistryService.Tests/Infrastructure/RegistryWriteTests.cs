using Maestro.Contracts;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.AspNetCore.Http;
using System.Data.Common;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>The audit trail and change feed are written in the same transaction as the change they describe.</summary>
public abstract class RegistryWriteTests : IDisposable
{
    private static readonly ModelInspection Inspection = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _publisher = new();
    private readonly HttpContextAccessor _http = new();
    private readonly TestStores _stores;

    private RegistryWriteTests(StoreBackend backend) => _stores = new TestStores("write", _time, new AuditActor(_http), _publisher, backend);

    public void Dispose() => _stores.Dispose();

    [Fact]
    public void TransitionStage_AuditInsertFails_StageUnchangedNothingInTheFeedNothingPublished()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        var changesBefore = _stores.Audit.ListChanges(0, 1000).LastSequence;
        var published = _publisher.Published.Count;
        FailInsertsInto("events");

        Assert.ThrowsAny<DbException>(() => _stores.Versions.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: true));

        Assert.Equal("None", _stores.Versions.Get("fraud", 1)!.CurrentStage);
        Assert.Equal(changesBefore, _stores.Audit.ListChanges(0, 1000).LastSequence);
        Assert.Equal(published, _publisher.Published.Count);
    }

    [Fact]
    public void AddVersion_ChangeFeedInsertFails_NoVersionAndItsNumberIsNotUsedUp()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        FailInsertsInto("changes");

        Assert.ThrowsAny<DbException>(() => _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection));

        Assert.Empty(_stores.Versions.List("fraud")!);
        Assert.Equal([AuditActions.ModelCreated], Actions("fraud"));
        AllowInserts();
        Assert.Equal(1, _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection).Value!.Version);
    }

    [Fact]
    public void TransitionStage_ArchiveExisting_OneEventAndChangePerVersionWhoseStageMoved()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        for (var i = 0; i < 3; i++)
        {
            _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        }

        _stores.Versions.TransitionStage("fraud", 1, ModelStage.Production, archiveExisting: false);
        _stores.Versions.TransitionStage("fraud", 2, ModelStage.Production, archiveExisting: false);
        var since = _stores.Audit.ListChanges(0, 1000).LastSequence;

        _stores.Versions.TransitionStage("fraud", 3, ModelStage.Production, archiveExisting: true);

        var events = _stores.Audit.ListEvents("fraud", 3, null)!.Value.Events;
        Assert.Equal(
            [(2, "archive_existing_versions", "Production", "Archived"), (1, "archive_existing_versions", "Production", "Archived"), (3, null, "None", "Production")],
            events.Select(e => (e.Version!.Value, e.Key, e.From!, e.To!)).ToArray());
        var changes = _stores.Audit.ListChanges(since, 1000).Changes;
        Assert.Equal([("3", ChangeKinds.StageChanged), ("1", ChangeKinds.StageChanged), ("2", ChangeKinds.StageChanged)], changes.Select(c => (c.Version!, c.Kind)).ToArray());
        Assert.Equal(changes, _publisher.Published.TakeLast(3));
    }

    [Fact]
    public void TransitionStage_ToTheStageItIsIn_RecordsNothing()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Versions.Add("fraud", null, new string('a', 64), 1, Inspection);
        var since = _stores.Audit.ListChanges(0, 1000).LastSequence;

        _stores.Versions.TransitionStage("fraud", 1, ModelStage.None, archiveExisting: false);

        Assert.Empty(_stores.Audit.ListChanges(since, 1000).Changes);
        Assert.Equal([AuditActions.VersionCreated, AuditActions.ModelCreated], Actions("fraud"));
    }

    [Fact]
    public void Changes_CallerHeader_IsTheActorAndTimestampIsTheClock()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[AuditActor.HeaderName] = "key-ops-7";
        _http.HttpContext = context;

        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _http.HttpContext = null;
        _stores.Labels.SetModelTag("fraud", "team", "risk");

        var events = _stores.Audit.ListEvents("fraud", 10, null)!.Value.Events;
        Assert.Equal([("tag_set", "anonymous"), ("model_created", "key-ops-7")], events.Select(e => (e.Action, e.Actor)).ToArray());
        Assert.All(events, e => Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), e.Timestamp));
    }

    [Fact]
    public void ListEvents_DeletedModel_KeepsItsTrailEndingWithTheDeletion()
    {
        _stores.Models.Create("fraud", null, new Dictionary<string, string>());
        _stores.Models.Delete("fraud");

        Assert.Equal([AuditActions.ModelDeleted, AuditActions.ModelCreated], Actions("fraud"));
        Assert.Null(_stores.Audit.ListEvents("never-registered", 10, null));
    }

    private string[] Actions(string name) => [.. _stores.Audit.ListEvents(name, 1000, null)!.Value.Events.Select(e => e.Action)];

    private void FailInsertsInto(string table) => _stores.FailInsertsInto(table);

    private void AllowInserts() => _stores.AllowInserts();

    private sealed class RecordingPublisher : IChangePublisher
    {
        public List<RegistryChange> Published { get; } = [];

        public void Publish(IReadOnlyList<RegistryChange> changes) => Published.AddRange(changes);
    }

    public sealed class OnSqlite() : RegistryWriteTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : RegistryWriteTests(StoreBackend.Postgres);
}
