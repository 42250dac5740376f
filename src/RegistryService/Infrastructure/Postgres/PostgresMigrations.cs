namespace Maestro.RegistryService.Infrastructure.Postgres;

/// <summary>
/// The registry's PostgreSQL schema as migrations, applied in order (<see cref="PostgresRegistryDatabase"/>).
/// The same tables and columns as <see cref="Sqlite.SqliteMigrations"/> end with; append, never edit a
/// released one. Text that is compared or ordered is <c>COLLATE "C"</c> (byte order, as SQLite's
/// BINARY), so names sort and page alike on both back-ends whatever the database's locale; foreign
/// keys are <c>DEFERRABLE</c> so a rename can move a model's rows and have them checked at commit.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<string> All =
    [
        """
        CREATE TABLE models (
            name TEXT COLLATE "C" PRIMARY KEY,
            description TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            next_version INTEGER NOT NULL DEFAULT 1,
            revision BIGINT NOT NULL DEFAULT 1
        );
        CREATE TABLE model_tags (
            model TEXT COLLATE "C" NOT NULL REFERENCES models(name) ON DELETE CASCADE DEFERRABLE,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (model, key)
        );
        CREATE TABLE versions (
            model TEXT COLLATE "C" NOT NULL REFERENCES models(name) ON DELETE CASCADE DEFERRABLE,
            version INTEGER NOT NULL,
            stage TEXT COLLATE "C" NOT NULL,
            description TEXT,
            sha256 TEXT COLLATE "C" NOT NULL,
            size_bytes BIGINT NOT NULL,
            producer TEXT,
            signature TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (model, version)
        );
        CREATE INDEX versions_by_stage ON versions(model, stage, version);
        CREATE TABLE aliases (
            model TEXT COLLATE "C" NOT NULL REFERENCES models(name) ON DELETE CASCADE DEFERRABLE,
            alias TEXT COLLATE "C" NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (model, alias)
        );
        CREATE TABLE version_tags (
            model TEXT COLLATE "C" NOT NULL,
            version INTEGER NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (model, version, key),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE DEFERRABLE
        );
        CREATE TABLE model_card_sections (
            model TEXT COLLATE "C" NOT NULL,
            version INTEGER NOT NULL,
            section TEXT COLLATE "C" NOT NULL,
            content TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (model, version, section),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE DEFERRABLE
        );
        CREATE TABLE version_origins (
            model TEXT COLLATE "C" NOT NULL,
            version INTEGER NOT NULL,
            source TEXT NOT NULL,
            run_id TEXT,
            run_link TEXT,
            user_id TEXT,
            PRIMARY KEY (model, version),
            FOREIGN KEY (model, version) REFERENCES versions(model, version) ON DELETE CASCADE DEFERRABLE
        );
        CREATE TABLE events (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            model TEXT COLLATE "C" NOT NULL,
            timestamp BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT COLLATE "C" NOT NULL,
            version INTEGER,
            key TEXT COLLATE "C",
            from_value TEXT,
            to_value TEXT
        );
        CREATE INDEX events_by_model ON events(model, id);
        CREATE TABLE changes (
            sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            model TEXT COLLATE "C" NOT NULL,
            kind TEXT NOT NULL,
            version TEXT,
            timestamp BIGINT NOT NULL
        );
        CREATE TABLE change_retention (pruned_through BIGINT NOT NULL);
        INSERT INTO change_retention (pruned_through) VALUES (0);
        """,
    ];
}
