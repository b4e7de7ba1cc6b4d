/** What `openPostgresStore` needs from a storage URL, once our own parameters are taken out. */
export interface PostgresConnection {
  /** The URL for pg: without `schema`, with `search_path` added to `options` when a schema is set. */
  connectionString: string;
  /** The schema every table lives in, or undefined for the server's default search path. */
  schema: string | undefined;
}

// Lower case only: search_path folds an unquoted name to lower case, so "Auth" would be created as
// "Auth" but searched as "auth". 63 bytes is PostgreSQL's identifier limit.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits `postgres://…?schema=NAME` into what pg understands and the schema name. Errors never
 * repeat the URL, which may carry a password.
 */
export function parsePostgresUrl(url: string): PostgresConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('the PostgreSQL storage URL is not a valid URL (expected postgres://user@host/db)');
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { connectionString: url, schema };
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `PostgreSQL schema "${schema}" is not a plain lower-case identifier (letters a-z, digits, _)`,
    );
  }
  parsed.searchParams.delete('schema');
  // Set at connection start-up, so every pooled connection has it before its first query; the
  // URL's own options (pg reads them in preference to the pool config) are kept.
  const options = parsed.searchParams.get('options');
  const searchPath = `-c search_path=${schema}`;
  parsed.searchParams.set('options', options ? `${options} ${searchPath}` : searchPath);
  return { connectionString: parsed.toString(), schema };
}
