import { invalidArgument } from '../errors/auth-error.ts';

export interface NormalizedEmail {
  /** NFC-normalised and trimmed: what is stored and shown. */
  email: string;
  /** Also lower-cased: what uniqueness and sign-in compare. */
  emailKey: string;
}

// Deliberately loose (one @, something on each side, a dot in the domain): the mailbox decides.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

export function normalizeEmail(raw: string): NormalizedEmail {
  const email = raw.normalize('NFC').trim();
  if (email.length > 254 || !EMAIL_SHAPE.test(email))
    throw invalidArgument('email must be an email address.');
  return { email, emailKey: email.toLowerCase() };
}

/** The lookup key for sign-in, without throwing: a malformed email simply matches no one. */
export const emailKeyOf = (raw: string): string => raw.normalize('NFC').trim().toLowerCase();
