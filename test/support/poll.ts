import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `probe` until it returns something other than undefined, at most until `timeoutMs` has
 * passed, then fails naming `what`. For conditions the server reaches on its own schedule.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const result = await probe();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    await delay(options.intervalMs ?? 100);
  }
}
