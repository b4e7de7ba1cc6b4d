import { DatabaseError, type Pool, type PoolClient, type QueryConfig, type QueryResult } from 'pg';

/**
 * A named prepared statement. PostgreSQL parses and plans it once per pooled connection and then
 * only binds values, and values never become SQL text. `Row` is the shape the SQL returns; it is
 * declared here and trusted, as pg cannot check it.
 */
export interface Statement<Row> {
  readonly name: string;
  readonly text: string;
  /** Never set: only carries `Row` to the query helpers. */
  readonly row?: Row;
}

/** Anything that runs a query: the pool (any connection) or one checked-out client (a transaction). */
export interface Queryable {
  query(config: QueryConfig): Promise<QueryResult>;
}

// pg refuses a second statement of the same name with other text only when both reach the same
// connection, i.e. at run time and by chance; fail at load instead.
const takenNames = new Set<string>();

/** Declares a statement; `name` must be unique in the process. */
export function statement<Row = never>(name: string, text: string): Statement<Row> {
  if (takenNames.has(name)) throw new Error(`prepared statement name "${name}" is used twice`);
  takenNames.add(name);
  return { name, text };
}

/** Runs `st` and resolves every row it returned. */
export async function queryRows<Row>(db: Queryable, st: Statement<Row>, values: unknown[]): Promise<Row[]> {
  const result = await db.query({ name: st.name, text: st.text, values });
  return result.rows as Row[];
}

/** Runs `st` and resolves its first row, or undefined when it returned none. */
export async function queryFirst<Row>(
  db: Queryable,
  st: Statement<Row>,
  values: unknown[],
): Promise<Row | undefined> {
  return (await queryRows(db, st, values))[0];
}

/** Runs `st` (a write) and resolves how many rows it touched. */
export async function execute(db: Queryable, st: Statement<never>, values: unknown[]): Promise<number> {
  const result = await db.query({ name: st.name, text: st.text, values });
  return result.rowCount ?? 0;
}

/**
 * Runs `work` in one transaction on one checked-out connection: COMMIT when it resolves, ROLLBACK
 * when it throws, and the connection always goes back to the pool (or is destroyed if it broke).
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a connection lost between our queries would be an
  // unhandled 'error' event and end the process. The next query on it rejects in any case.
  let broken = false;
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the original error is the one worth reporting
    }
    throw error;
  } finally {
    client.removeListener('error', onError);
    // release(true) destroys the connection instead of handing a dead one to the next caller.
    client.release(broken);
  }
}

/** True when `error` is PostgreSQL's unique violation (23505) of exactly `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof DatabaseError && error.code === '23505' && error.constraint === constraint;
}
