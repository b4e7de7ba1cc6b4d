import { randomBytes } from 'node:crypto';

/** Crockford's base32 in lower case: no i, l, o or u, so nothing reads as another character. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUP = 5;
/** Ten characters of five bits each: 50 bits per code. */
const LENGTH = 2 * GROUP;

/** `count` new recovery codes, `xxxxx-xxxxx`, to be shown once. */
export function newRecoveryCodes(count: number): string[] {
  return Array.from({ length: count }, () => {
    // 256 is a multiple of 32: the low five bits of a random byte are uniform.
    const chars = [...randomBytes(LENGTH)].map((byte) => ALPHABET[byte & 31]).join('');
    return `${chars.slice(0, GROUP)}-${chars.slice(GROUP)}`;
  });
}

/**
 * The canonical form of a typed recovery code (what is hashed), forgiving what people do when they
 * type one: case, spaces, the dash, and Crockford's look-alikes (i/l → 1, o → 0). Undefined when it
 * cannot be a recovery code.
 */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const chars = typed.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  if (chars.length !== LENGTH || [...chars].some((c) => !ALPHABET.includes(c))) return undefined;
  return chars;
}
