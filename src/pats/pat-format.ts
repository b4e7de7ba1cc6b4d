import { crc32 } from 'node:zlib';
import { randomBase62 } from '../ids/new-id.ts';

/** Which tokens a server issues and accepts: a test server never takes a live token, and back. */
export type PatEnvironment = 'live' | 'test';

/** 32 base62 characters: 190 bits from the CSPRNG. */
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHAPE = /^pat_(live|test)_([0-9A-Za-z]{32,})$/;

/** The display hint kept beside the hash: the prefix and four characters, never enough to guess. */
export const hintOf = (token: string): string => token.slice(0, 'pat_live_'.length + 4);

/** A new token: `pat_<env>_` + 32 random base62 + a 6-character base62 CRC32 of all before it. */
export function generatePat(environment: PatEnvironment): string {
  const body = `pat_${environment}_${randomBase62(RANDOM_LENGTH)}`;
  return body + checksumOf(body);
}

/**
 * True when `token` is shaped like one of our PATs for `environment` and its checksum holds. Lets a
 * typo or a forgery be refused before any storage lookup, and secret scanners recognise real
 * tokens offline (GitHub's design).
 */
export function isWellFormedPat(token: string, environment: PatEnvironment): boolean {
  const match = SHAPE.exec(token);
  if (!match || match[1] !== environment || (match[2]?.length ?? 0) !== RANDOM_LENGTH + CHECKSUM_LENGTH) {
    return false;
  }
  const body = token.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(body) === token.slice(-CHECKSUM_LENGTH);
}

/** Whether a credential is meant as a PAT (of any environment), to route it to PAT verification. */
export const looksLikePat = (token: string): boolean => token.startsWith('pat_');

function checksumOf(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}
