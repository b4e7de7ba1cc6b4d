import type { PatStore } from './pat-store.ts';

/** `last_used_at` moves at most this often per token. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export interface LastUsedTracker {
  /** Notes a use; costs a map write, never a database write. */
  record(patId: string, storedLastUsedAt: number | null, at: number): void;
  /** The latest use this process has seen, written or not (so List shows it at once). */
  latest(patId: string): number | undefined;
  /** Writes what is pending in one batch (called on a timer and at shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Coalesces PAT uses into one batched write a minute, so authentication never waits on a write. */
export function createLastUsedTracker(
  store: Pick<PatStore, 'touchPats'>,
  onError: (e: unknown) => void,
): LastUsedTracker {
  const written = new Map<string, number>();
  const pending = new Map<string, number>();

  async function flush() {
    if (pending.size === 0) return;
    const uses = [...pending].map(([id, at]) => ({ id, at }));
    pending.clear();
    await store.touchPats(uses);
  }
  const timer = setInterval(() => flush().catch(onError), LAST_USED_RESOLUTION_SECONDS * 1000);
  timer.unref();

  return {
    record(patId, storedLastUsedAt, at) {
      const last = written.get(patId) ?? storedLastUsedAt ?? 0;
      if (at - last < LAST_USED_RESOLUTION_SECONDS) return;
      written.set(patId, at);
      pending.set(patId, at);
    },
    latest: (patId) => written.get(patId),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
