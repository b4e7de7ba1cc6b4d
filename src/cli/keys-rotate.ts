import { parseCommandLine, resolveConfig } from '../config/config.ts';
import { generateSigningKey } from '../keys/key-ring.ts';
import { openStore } from '../storage/open-store.ts';

/**
 * `keys rotate`: a new signing key becomes active. Running servers pick it up on their next key
 * reload; the old key stays published until every token it signed has expired.
 */
export async function keysRotate(args: string[]) {
  const { values } = parseCommandLine(args);
  const store = await openStore(resolveConfig(values as Record<string, string>).db);
  try {
    const key = await generateSigningKey(Math.floor(Date.now() / 1000));
    await store.rotateSigningKey(key);
    return { kid: key.kid };
  } finally {
    await store.close();
  }
}
