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
  `
  -- A password step waiting for its second factor; keyed by the SHA-256 of the mfa_token.
  CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    spent_at   INTEGER
  );
  CREATE INDEX mfa_challenges_by_user ON mfa_challenges (user_id);

  -- secret_sealed: AES-256-GCM under a key that is never in the database. Pending while
  -- confirmed_at is NULL; last_step makes each code usable once.
  CREATE TABLE mfa_totp (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    confirmed_at  INTEGER,
    last_step     INTEGER
  );

  CREATE TABLE mfa_recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
  );

  CREATE TABLE mfa_sms_phones (
    user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL
  );

  -- One live code per (purpose, subject): subject is a user id, or an mfa_token hash for 'login'.
  CREATE TABLE mfa_sms_codes (
    purpose      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    sent_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    resend_at    INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (purpose, subject)
  );
  CREATE INDEX mfa_sms_codes_by_user ON mfa_sms_codes (user_id);
  `,
  `
  -- OAuth clients. secret_hash: 'sha256:' + SHA-256 of the secret; NULL for public clients.
  CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_hash   TEXT,
    redirect_uris TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    first_party   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
  );

  -- oidc-provider's artifacts, keyed by the SHA-256 of their id (for codes and tokens, the credential).
  CREATE TABLE oauth_records (
    model       TEXT NOT NULL,
    id_hash     TEXT NOT NULL,
    grant_id    TEXT,
    session_uid TEXT,
    account_id  TEXT REFERENCES users (id) ON DELETE CASCADE,
    payload     TEXT NOT NULL,
    expires_at  INTEGER,
    consumed_at INTEGER,
    PRIMARY KEY (model, id_hash)
  );
  CREATE INDEX oauth_records_by_grant ON oauth_records (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oauth_records_by_session_uid ON oauth_records (model, session_uid)
    WHERE session_uid IS NOT NULL;
  -- Not partial: SQLite only uses a plain index for the ON DELETE CASCADE lookup.
  CREATE INDEX oauth_records_by_account ON oauth_records (account_id);
  CREATE INDEX oauth_records_by_expiry ON oauth_records (expires_at) WHERE expires_at IS NOT NULL;

  -- What each user allowed each client (the consent page is shown once per new scope).
  CREATE TABLE oauth_consents (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, client_id)
  );
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
