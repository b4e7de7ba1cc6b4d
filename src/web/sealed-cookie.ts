import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals values into cookie-safe strings and opens them again; only this server can do either. */
export interface CookieSealer {
  /** AES-256-GCM of the JSON of `value`, bound to `name`: base64url(iv ‖ ciphertext ‖ tag). */
  seal(name: string, value: unknown): string;
  /** The value sealed under `name`, or undefined when it is not one (tampered, another key or name). */
  open<T>(name: string, sealed: string | undefined): T | undefined;
}

/**
 * Cookies whose content the browser must neither read nor change (a dashboard's access token, a
 * sign-in's PKCE verifier). The cookie's name is the associated data, so a value sealed for one
 * cookie is refused as another. The key is a 32-byte subkey of the server secret: every replica
 * opens what another sealed.
 */
export function createCookieSealer(key: Buffer): CookieSealer {
  if (key.length !== 32) throw new Error('a cookie sealing key is 32 bytes');
  return {
    seal(name, value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open<T>(name: string, sealed: string | undefined): T | undefined {
      if (!sealed || !/^[\w-]+$/.test(sealed)) return undefined;
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(name));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return JSON.parse(plain.toString('utf8')) as T;
      } catch {
        return undefined;
      }
    },
  };
}
