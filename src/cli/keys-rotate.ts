import { parseCommandLine, resolveConfig } from '../config/config.ts';
import { generateSigningKey } from '../keys/key-ring.ts';
import { openStore } from '../storage/open-store.ts';

/**
 * `keys rotate`: a new signing key becomes active. Servers on the same PostgreSQL database switch
 * at once (the change feed tells them); others, and any that missed the news, on their next key
 * reload (within 10 s). The old key stays published until every token it signed has expired.
 */
export async function keysRotate(args: string[]) {
  const { values } = parseCommandLine(args);
  const store = await openStore(resolveConfig(values as Record<string, string>).db);
  try {
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    await store.rotateSigningKey(key);
    // The rotation is done whatever happens here: a failed announcement only delays the switch.
    await store.publish({ type: 'keys.rotated' }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`semaswift-auth: warning: servers were not told at once (${reason})\n`);
    });
    return { kid: key.kid };
  } finally {
    await store.close();
  }
}
