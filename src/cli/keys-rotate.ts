import { generateSigningKey } from '../keys/key-ring.ts';
import { type Command, DB_FLAG_LINE, flagLines, openCommandStore } from './command.ts';

/**
 * `keys rotate`: a new signing key becomes active. Servers on the same PostgreSQL database switch
 * at once (the change feed tells them); others, and any that missed the news, on their next key
 * reload (within 10 s). The old key stays published until every token it signed has expired.
 */
export const keysRotate: Command = {
  name: 'keys rotate',
  summary: 'make a new signing key active',
  usage: `Usage: semaswift-auth keys rotate [--db DB]

Makes a new signing key active and prints {"kid"}. Running servers switch to it; the old key
stays in the JWKS until every token it signed has expired.

${flagLines([DB_FLAG_LINE])}`,
  flags: { db: { type: 'string' } },
  async run(values) {
    const store = await openCommandStore(values);
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
  },
};
