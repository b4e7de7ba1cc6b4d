import { escapeIdentifier, type Pool } from 'pg';
import { withTransaction } from './sql.ts';

/** One step of the schema. Never edit a migration that has shipped; add one with the next version. */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

/**
 * The schema, in version order: the same tables and meaning as the SQLite backend's. Times are
 * bigint epoch seconds. Ids and hashes are opaque ASCII collated "C", so that ordering by them is
 * byte order, as in SQLite, whatever the database's locale.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE organizations (
      id         text COLLATE "C" PRIMARY KEY,
      name       text NOT NULL CONSTRAINT organizations_name_unique UNIQUE,
      created_at bigint NOT NULL
    );

    CREATE TABLE users (
      id              text COLLATE "C" PRIMARY KEY,
      organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
      email           text NOT NULL,
      email_key       text NOT NULL CONSTRAINT users_email_key_unique UNIQUE,
      name            text NOT NULL,
      password_hash   text NOT NULL,
      created_at      bigint NOT NULL
    );
    CREATE INDEX users_by_organization ON users (organization_id, created_at, id);

    -- position keeps the roles in the order they were given.
    CREATE TABLE user_roles (
      user_id  text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role     text NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (user_id, role)
    );

    CREATE TABLE signing_keys (
      kid             text COLLATE "C" PRIMARY KEY,
      alg             text NOT NULL,
      private_key_pem text NOT NULL,
      public_jwk      jsonb NOT NULL,
      created_at      bigint NOT NULL,
      retired_at      bigint
    );
    -- The invariant rotateSigningKey keeps, enforced: at most one active key.
    CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

    CREATE TABLE refresh_families (
      id         text COLLATE "C" PRIMARY KEY,
      user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX refresh_families_by_user ON refresh_families (user_id);

    CREATE TABLE refresh_tokens (
      token_hash text COLLATE "C" PRIMARY KEY,
      family_id  text COLLATE "C" NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
      expires_at bigint NOT NULL,
      spent_at   bigint
    );
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
    `,
  },
  {
    version: 2,
    sql: `
    CREATE TABLE pats (
      id              text COLLATE "C" PRIMARY KEY,
      user_id         text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
      name            text NOT NULL,
      token_hash      text COLLATE "C" NOT NULL CONSTRAINT pats_token_hash_unique UNIQUE,
      token_hint      text NOT NULL,
      -- NULL means "all of the owner's permissions at use"; an empty array means none.
      permissions     text[],
      created_at      bigint NOT NULL,
      expires_at      bigint NOT NULL,
      revoked_at      bigint,
      last_used_at    bigint
    );
    CREATE INDEX pats_by_user ON pats (user_id, created_at);
    CREATE INDEX pats_by_organization ON pats (organization_id, created_at);

    CREATE TABLE audit_events (
      seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at               bigint NOT NULL,
      action           text NOT NULL,
      actor_user_id    text NOT NULL,
      organization_id  text COLLATE "C" NOT NULL,
      target_id        text NOT NULL,
      client_address   text NOT NULL,
      actor_credential text NOT NULL
    );
    CREATE INDEX audit_events_by_organization ON audit_events (organization_id, seq);
    `,
  },
  {
    version: 3,
    sql: `
    -- A password step waiting for its second factor; keyed by the SHA-256 of the mfa_token.
    CREATE TABLE mfa_challenges (
      token_hash text COLLATE "C" PRIMARY KEY,
      user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      failures   integer NOT NULL DEFAULT 0,
      spent_at   bigint
    );
    CREATE INDEX mfa_challenges_by_user ON mfa_challenges (user_id);

    -- secret_sealed: AES-256-GCM under a key that is never in the database. Pending while
    -- confirmed_at is NULL; last_step (an RFC 6238 time step) makes each code usable once.
    CREATE TABLE mfa_totp (
      user_id       text COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      secret_sealed text NOT NULL,
      created_at    bigint NOT NULL,
      confirmed_at  bigint,
      last_step     bigint
    );

    CREATE TABLE mfa_recovery_codes (
      user_id   text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      code_hash text COLLATE "C" NOT NULL,
      used_at   bigint,
      PRIMARY KEY (user_id, code_hash)
    );

    CREATE TABLE mfa_sms_phones (
      user_id      text COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      phone_number text NOT NULL,
      confirmed_at bigint NOT NULL
    );

    -- One live code per (purpose, subject): subject is a user id, or an mfa_token hash for 'login'.
    CREATE TABLE mfa_sms_codes (
      purpose      text NOT NULL,
      subject      text COLLATE "C" NOT NULL,
      user_id      text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      phone_number text NOT NULL,
      code_hash    text COLLATE "C" NOT NULL,
      sent_at      bigint NOT NULL,
      expires_at   bigint NOT NULL,
      resend_at    bigint NOT NULL,
      attempts     integer NOT NULL DEFAULT 0,
      PRIMARY KEY (purpose, subject)
    );
    CREATE INDEX mfa_sms_codes_by_user ON mfa_sms_codes (user_id);
    `,
  },
  {
    version: 4,
    sql: `
    -- OAuth clients. secret_hash: 'sha256:' + SHA-256 of the secret; NULL for public clients.
    CREATE TABLE oauth_clients (
      id            text COLLATE "C" PRIMARY KEY,
      name          text NOT NULL,
      secret_hash   text,
      redirect_uris text[] NOT NULL,
      scopes        text[] NOT NULL,
      first_party   boolean NOT NULL,
      created_at    bigint NOT NULL
    );

    -- oidc-provider's artifacts, keyed by the SHA-256 of their id (for codes and tokens, the credential).
    CREATE TABLE oauth_records (
      model       text COLLATE "C" NOT NULL,
      id_hash     text COLLATE "C" NOT NULL,
      grant_id    text COLLATE "C",
      session_uid text COLLATE "C",
      account_id  text COLLATE "C" REFERENCES users (id) ON DELETE CASCADE,
      payload     jsonb NOT NULL,
      expires_at  bigint,
      consumed_at bigint,
      PRIMARY KEY (model, id_hash)
    );
    CREATE INDEX oauth_records_by_grant ON oauth_records (grant_id) WHERE grant_id IS NOT NULL;
    CREATE INDEX oauth_records_by_session_uid ON oauth_records (model, session_uid)
      WHERE session_uid IS NOT NULL;
    CREATE INDEX oauth_records_by_account ON oauth_records (account_id) WHERE account_id IS NOT NULL;
    CREATE INDEX oauth_records_by_expiry ON oauth_records (expires_at) WHERE expires_at IS NOT NULL;

    -- What each user allowed each client (the consent page is shown once per new scope).
    CREATE TABLE oauth_consents (
      user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      client_id  text COLLATE "C" NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
      scopes     text[] NOT NULL,
      granted_at bigint NOT NULL,
      PRIMARY KEY (user_id, client_id)
    );
    `,
  },
];

/**
 * The advisory lock every migrating process takes: an arbitrary constant of ours ("semaswift auth
 * migrations"), held until the migration transaction ends.
 */
export const MIGRATION_LOCK_KEY = 5_377_430_101;

const CREATE_SCHEMA_MIGRATIONS = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Creates `schema` if given and brings it up to date, in one transaction under
 * {@link MIGRATION_LOCK_KEY}: replicas starting at once queue on the lock, and each later one finds
 * nothing left to do. A failed migration leaves the database as it was.
 */
export async function applyMigrations(pool: Pool, schema: string | undefined): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    // Under the lock: concurrent CREATE … IF NOT EXISTS can still collide in PostgreSQL's catalog.
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
    await client.query(CREATE_SCHEMA_MIGRATIONS);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new Error(
        `database schema version ${newest} is newer than this build knows (${latest}); upgrade the service`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    }
  });
}
