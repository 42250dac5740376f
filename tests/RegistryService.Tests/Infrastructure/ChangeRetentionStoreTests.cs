using Maestro.Contracts;
using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary><see cref="AuditStore.PruneChanges"/>: what retention deletes, and what a reader behind it is told.</summary>
public abstract class ChangeRetentionStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestStores _stores;

    private ChangeRetentionStoreTests(StoreBackend backend) => _stores = new TestStores("retention", _time, backend: backend);

    public void Dispose() => _stores.Dispose();

    [Fact]
    public void PruneChanges_OlderThanTheCutoff_DeletesThemAndReadersBehindAreTold()
    {
        _stores.Models.Create("old", null, new Dictionary<string, string>());
        _stores.Versions.Add("old", null, new string('a', 64), 1, TestInspection.Any);
        _stores.Versions.TransitionStage("old", 1, ModelStage.Production, archiveExisting: false);
        var oldLast = _stores.Audit.ListChanges(0, 10).LastSequence;
        _time.Advance(TimeSpan.FromDays(8));
        _stores.Models.Create("new", null, new Dictionary<string, string>());
        _stores.Versions.Add("new", null, new string('b', 64), 1, TestInspection.Any);

        var deleted = _stores.Audit.PruneChanges((_time.GetUtcNow() - TimeSpan.FromDays(7)).ToUnixTimeMilliseconds(), maxRows: 100);

        Assert.Equal(2, deleted);
        var behind = _stores.Audit.ListChanges(0, 10);
        Assert.True(behind.BehindWindow);
        Assert.Equal(oldLast, behind.PrunedThrough);
        Assert.Equal(["new"], behind.Changes.Select(c => c.Model));
        var caughtUp = _stores.Audit.ListChanges(oldLast, 10);
        Assert.False(caughtUp.BehindWindow);
        Assert.Equal(["new"], caughtUp.Changes.Select(c => c.Model));
    }

    [Fact]
    public void PruneChanges_MoreRowsThanMaxRows_KeepsTheNewestAndTheSequenceGoesOn()
    {
        _stores.Models.Create("busy", null, new Dictionary<string, string>());
        for (var i = 0; i < 5; i++)
        {
            _stores.Versions.Add("busy", null, new string('c', 64), 1, TestInspection.Any);
        }

        Assert.Equal(3, _stores.Audit.PruneChanges(before: 0, maxRows: 2));
        Assert.Equal(0, _stores.Audit.PruneChanges(before: 0, maxRows: 2));

        var page = _stores.Audit.ListChanges(0, 10);
        Assert.Equal(["4", "5"], page.Changes.Select(c => c.Version));
        Assert.Equal(5, page.LastSequence);
        _stores.Versions.Add("busy", null, new string('c', 64), 1, TestInspection.Any);
        Assert.Equal(6, _stores.Audit.ListChanges(5, 10).Changes.Single().Sequence);
    }

    [Fact]
    public void PruneChanges_EverythingOld_EmptyFeedStillKnowsItsLastSequence()
    {
        _stores.Models.Create("gone", null, new Dictionary<string, string>());
        _stores.Models.Delete("gone");
        _time.Advance(TimeSpan.FromDays(30));

        _stores.Audit.PruneChanges(_time.GetUtcNow().ToUnixTimeMilliseconds(), maxRows: 100);

        var page = _stores.Audit.ListChanges(0, 10);
        Assert.Empty(page.Changes);
        Assert.Equal(1, page.LastSequence);
        Assert.True(page.BehindWindow);
        Assert.False(_stores.Audit.ListChanges(page.LastSequence, 10).BehindWindow);
        Assert.Equal([AuditActions.ModelDeleted, AuditActions.ModelCreated], _stores.Audit.ListEvents("gone", 10, null)!.Value.Events.Select(e => e.Action));
    }

    public sealed class OnSqlite() : ChangeRetentionStoreTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : ChangeRetentionStoreTests(StoreBackend.Postgres);
}
