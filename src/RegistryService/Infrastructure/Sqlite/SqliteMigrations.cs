namespace Maestro.RegistryService.Infrastructure.Sqlite;

/// <summary>
/// The registry's SQLite schema as migrations, applied in order (<see cref="SqliteRegistryDatabase"/>).
/// Append, never edit a released one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<string> All =
    [
        """
        CREATE TABLE models (
            name TEXT PRIMARY KEY NOT NULL,
            description TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            next_version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE model_tags (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, key)
        );
        CREATE TABLE versions (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            stage TEXT NOT NULL,
            description TEXT,
            sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            producer TEXT,
            signature TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (model, version)
        );
        CREATE INDEX versions_by_stage ON versions(model, stage, version);
        CREATE TABLE aliases (
            model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (model, alias)
        );
        """,
        """
        CREATE TABLE version_tags (
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model, version, key),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE
        );
        CREATE TABLE model_card_sections (
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            section TEXT NOT NULL,
            content TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (model, version, section),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE
        );
        """,
        // The audit trail and the change feed. Neither references models: the trail of a deleted
        // model stays readable, and the feed is what workers follow, deletions included.
        """
        ALTER TABLE models ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            model TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            version INTEGER,
            key TEXT,
            from_value TEXT,
            to_value TEXT
        );
        CREATE INDEX events_by_model ON events(model, id);
        CREATE TABLE changes (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            model TEXT NOT NULL,
            kind TEXT NOT NULL,
            version TEXT,
            timestamp INTEGER NOT NULL
        );
        """,
        """
        CREATE TABLE version_origins (
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            source TEXT NOT NULL,
            run_id TEXT,
            run_link TEXT,
            user_id TEXT,
            PRIMARY KEY (model, version),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE
        );
        """,
        // Change-feed retention: the highest sequence pruned, so a reader further behind is told so.
        """
        CREATE TABLE change_retention (pruned_through INTEGER NOT NULL);
        INSERT INTO change_retention (pruned_through) VALUES (0);
        """,
    ];
}
