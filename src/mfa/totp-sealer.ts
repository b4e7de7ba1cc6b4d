import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals TOTP secrets for storage: a stolen database alone does not let anyone compute codes. */
export interface TotpSealer {
  /** AES-256-GCM with a random 96-bit IV; `iv ‖ tag ‖ ciphertext`, base64url. */
  seal(secret: string, userId: string): string;
  /** Opens a sealed secret; throws when it was tampered with, moved to another user or sealed under another key. */
  open(sealed: string, userId: string): string;
}

/**
 * `key` is the 32-byte `secret.subkey('totp')`. The user id is authenticated data, so a sealed secret
 * copied onto another user's row does not open.
 */
export function createTotpSealer(key: Buffer): TotpSealer {
  const aad = (userId: string) => Buffer.from(`totp:${userId}`);
  return {
    seal(secret, userId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(userId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    },
    open(sealed, userId) {
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error('sealed TOTP secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
        .setAAD(aad(userId))
        .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new Error('the TOTP secret does not open: tampered, or sealed under another --secret-key', {
          cause: error,
        });
      }
    },
  };
}
