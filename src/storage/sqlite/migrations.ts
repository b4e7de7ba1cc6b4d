import type Database from 'better-sqlite3';

/**
 * The schema, as an append-only list: the migration at index `i` takes a database from version `i`
 * to `i + 1`, and `PRAGMA user_version` records how many have been applied. Never edit a migration
 * that has shipped; add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    created_at      INTEGER NOT NULL
  );
  CREATE INDEX users_by_organization ON users (organization_id, created_at, id);

  -- position keeps the roles in the order they were given.
  CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, role)
  );

  CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    alg             TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    public_jwk      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    retired_at      INTEGER
  );

  CREATE TABLE refresh_families (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX refresh_families_by_user ON refresh_families (user_id);

  CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    spent_at   INTEGER
  );
  CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
  `,
  `
  CREATE TABLE pats (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    token_hint      TEXT NOT NULL,
    -- A JSON array, or NULL for "all of the owner's permissions at use".
    permissions     TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    last_used_at    INTEGER
  );
  CREATE INDEX pats_by_user ON pats (user_id, created_at);
  CREATE INDEX pats_by_organization ON pats (organization_id, created_at);

  CREATE TABLE audit_events (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    at                INTEGER NOT NULL,
    action            TEXT NOT NULL,
    actor_user_id     TEXT NOT NULL,
    organization_id   TEXT NOT NULL,
    target_id         TEXT NOT NULL,
    client_address    TEXT NOT NULL,
    actor_credential  TEXT NOT NULL
  );
  CREATE INDEX audit_events_by_organization ON audit_events (organization_id, seq);
  `,
];

/**
 * Brings the schema up to date. The version check and the migrations share one `BEGIN IMMEDIATE`
 * transaction, so two processes opening a fresh file at once serialise: the second waits (busy
 * timeout), then finds nothing left to do. A failed migration leaves the database as it was.
 */
export function applyMigrations(db: Database.Database): void {
  const migrate = db.transaction(() => {
    const applied = Number(db.pragma('user_version', { simple: true }));
    if (applied > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${applied} is newer than this build knows (${MIGRATIONS.length}); upgrade the service`,
      );
    }
    for (const migration of MIGRATIONS.slice(applied)) db.exec(migration);
    // PRAGMA takes no bound parameters; the value is an integer we control.
    if (applied < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  migrate.immediate();
}
