import { Client, escapeIdentifier } from 'pg';

/**
 * First wait before reconnecting; doubles per failed attempt up to {@link MAX_BACKOFF_MS}. The cap
 * is short because every moment the database is back but LISTEN is not, a revocation on another
 * replica goes unheard (the resync on reconnect catches up): it bounds that window. An attempt
 * against a database that is away costs one refused connection.
 */
const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;
/** How long connecting may take before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * A connection whose peer vanished without closing it (a network partition) stays "open" until TCP
 * gives up, minutes later; a query every so often notices within seconds instead.
 */
const HEARTBEAT_INTERVAL_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/** What {@link startListenConnection} listens to, and whom it tells. */
export interface ListenConnectionOptions {
  connectionString: string;
  applicationName: string;
  channel: string;
  /** Every notification's payload on `channel`, in arrival order. */
  onNotification(payload: string): void;
  /**
   * Called each time LISTEN is in place: the first time and after every reconnection. Whatever was
   * notified before (while there was no connection) was missed.
   */
  onListening(): void;
  /** Reports a lost connection or failed attempt; the connection keeps retrying by itself. */
  onWarning(message: string, error?: unknown): void;
}

/** A running listener. */
export interface ListenConnection {
  /**
   * The database is reachable again (another connection just got through): when waiting to
   * reconnect, reconnect now rather than at the end of the backoff.
   */
  reconnectNow(): void;
  /** Stops listening and reconnecting. */
  close(): Promise<void>;
}

/**
 * A dedicated connection (a pooled one would be handed to other queries and lose its LISTEN) that
 * listens on one channel and reconnects with jittered exponential backoff whenever it is lost, so
 * replicas whose database came back do not all reconnect in the same millisecond.
 */
export function startListenConnection(options: ListenConnectionOptions): ListenConnection {
  let current: Client | undefined;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting = false;

  const scheduleReconnect = (): void => {
    const ceiling = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** failures);
    failures++;
    retryTimer = setTimeout(connect, ceiling * (0.5 + Math.random() / 2));
    retryTimer.unref();
  };

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (closed) return;
    connecting = true;
    const client = new Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      // LISTEN and the heartbeat are the only queries: neither should take more than a moment.
      query_timeout: HEARTBEAT_TIMEOUT_MS,
    });
    let heartbeat: NodeJS.Timeout | undefined;
    let listening = false;
    let lost = false;
    // 'error' and 'end' both come for one loss (and 'end' after a failed connect): act once.
    const onLost = (error?: unknown): void => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      if (current === client) current = undefined;
      client.end().catch(() => {});
      if (closed) return;
      options.onWarning(
        listening ? 'change feed connection lost; reconnecting' : 'change feed cannot connect; retrying',
        error,
      );
      scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) {
        options.onNotification(message.payload);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(options.channel)}`);
    } catch (error) {
      connecting = false;
      onLost(error);
      return;
    }
    connecting = false;
    if (closed || lost) {
      if (!lost) await client.end().catch(() => {});
      return;
    }
    current = client;
    listening = true;
    failures = 0;
    heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(onLost);
    }, HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    options.onListening();
  }

  void connect();
  return {
    reconnectNow() {
      if (closed || connecting || current !== undefined || retryTimer === undefined) return;
      clearTimeout(retryTimer);
      void connect();
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const client = current;
      current = undefined;
      await client?.end().catch(() => {});
    },
  };
}
