/**
 * Users removed recently, remembered for as long as an access token issued before the removal can
 * live: access tokens are checked in memory (no database read per request), so without this a
 * removed user's token would keep its powers until it expired. Filled from the change feed, so
 * every replica refuses them at once.
 */
export interface RemovedUsers {
  add(userId: string): void;
  has(userId: string): boolean;
}

export function createRemovedUsers(options: {
  /** The longest an access token lives (plus clock tolerance): a tombstone outlives every token. */
  rememberSeconds: number;
  now?: () => number;
}): RemovedUsers {
  const now = options.now ?? (() => Date.now() / 1000);
  const until = new Map<string, number>();
  return {
    add(userId) {
      const at = now();
      // Expired tombstones go as new ones arrive: the map never holds more than an hour's removals.
      for (const [id, end] of until) if (end <= at) until.delete(id);
      until.set(userId, at + options.rememberSeconds);
    },
    has(userId) {
      if (until.size === 0) return false;
      const end = until.get(userId);
      return end !== undefined && end > now();
    },
  };
}
