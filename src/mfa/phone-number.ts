import { invalidArgument } from '../errors/auth-error.ts';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{7,14}$/;

/** The E.164 form of a typed number; spaces, dashes, dots and parentheses are dropped first. */
export function normalizePhoneNumber(typed: string): string {
  const compact = typed.replace(/[\s().-]/g, '');
  if (!E164.test(compact)) throw invalidArgument('phone_number must be in E.164 form, like +4915112345678.');
  return compact;
}

/** Enough of a number for its owner to recognise it: `+49•••••••78`. */
export const phoneNumberHint = (phoneNumber: string): string =>
  `${phoneNumber.slice(0, 3)}${'•'.repeat(Math.max(0, phoneNumber.length - 5))}${phoneNumber.slice(-2)}`;
