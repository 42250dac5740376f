using System.Data.Common;
using System.Globalization;
using Maestro.Contracts;
using Maestro.RegistryService.Model;
using static Maestro.RegistryService.Infrastructure.Sql;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// One change to the registry: a transaction on a connection of its own, holding the registry's write
/// lock (<see cref="ISqlDialect.BeginWrite"/>) until it ends, which records in that same
/// transaction what changed — audit events (<see cref="Event"/>) and change-feed entries
/// (<see cref="Change"/>) — so either all of it is stored or none. <see cref="Commit"/> commits, then
/// hands the change-feed entries to the publisher. Every store method that changes something runs in one
/// (from <see cref="RegistryWrites"/>):
/// <code>
/// using var write = writes.Begin();
/// Execute(write.Connection, write.Transaction, "UPDATE …");
/// write.Event(name, AuditActions.ModelUpdated, key: "description", from: before, to: after);
/// write.Touch(name);
/// write.Commit();
/// </code>
/// Disposing without <see cref="Commit"/> rolls everything back and publishes nothing.
/// </summary>
internal sealed class RegistryWrite : IDisposable
{
    private readonly IChangePublisher _publisher;
    private readonly List<RegistryChange> _changes = [];

    public RegistryWrite(DbConnection connection, DbTransaction transaction, long now, string actor, IChangePublisher publisher)
    {
        Connection = connection;
        Transaction = transaction;
        Now = now;
        Actor = actor;
        _publisher = publisher;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    /// <summary>The write's one timestamp, Unix milliseconds: every row it stamps gets the same.</summary>
    public long Now { get; }

    /// <summary>Who is making the change (<see cref="AuditActor"/>).</summary>
    public string Actor { get; }

    /// <summary>Appends an event to <paramref name="model"/>'s audit trail.</summary>
    public void Event(string model, string action, int? version = null, string? key = null, string? from = null, string? to = null) =>
        Execute(Connection, Transaction,
            """
            INSERT INTO events (model, timestamp, actor, action, version, key, from_value, to_value)
            VALUES (@model, @now, @actor, @action, @version, @key, @from, @to)
            """,
            ("@model", model), ("@now", Now), ("@actor", Actor), ("@action", action), ("@version", version),
            ("@key", key), ("@from", from), ("@to", to));

    /// <summary>
    /// Appends an entry to the change feed (<see cref="ChangeKinds"/>): anything that can alter which
    /// version serves <paramref name="model"/>. Published after <see cref="Commit"/>.
    /// </summary>
    public void Change(string model, string kind, int? version)
    {
        var versionText = version?.ToString(CultureInfo.InvariantCulture);
        var sequence = Convert.ToInt64(Scalar(Connection, Transaction,
            "INSERT INTO changes (model, kind, version, timestamp) VALUES (@model, @kind, @version, @now) RETURNING sequence",
            ("@model", model), ("@kind", kind), ("@version", versionText), ("@now", Now)), CultureInfo.InvariantCulture);
        _changes.Add(new RegistryChange(sequence, model, kind, versionText, Now));
    }

    /// <summary>Stamps the model as updated now and moves its revision (its ETag) on.</summary>
    public void Touch(string model) =>
        Execute(Connection, Transaction, "UPDATE models SET updated_at = @now, revision = revision + 1 WHERE name = @model",
            ("@now", Now), ("@model", model));

    /// <summary>
    /// For a model renamed from <paramref name="from"/> to <paramref name="to"/> (after its rows moved):
    /// its trail moves with it and gains a <c>model_renamed</c> event, and the feed announces the old
    /// name, the one that stopped serving (the new name was free, so nobody serves it yet).
    /// </summary>
    public void Renamed(string from, string to)
    {
        Execute(Connection, Transaction, "UPDATE events SET model = @to WHERE model = @from", ("@to", to), ("@from", from));
        Event(to, AuditActions.ModelRenamed, from: from, to: to);
        Change(from, ChangeKinds.ModelRenamed, null);
    }

    public void Commit()
    {
        Transaction.Commit();
        if (_changes.Count > 0)
        {
            _publisher.Publish(_changes);
        }
    }

    public void Dispose()
    {
        Transaction.Dispose();
        Connection.Dispose();
    }
}
