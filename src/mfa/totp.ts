import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 as every authenticator app implements it: HMAC-SHA-1, 6 digits, 30-second steps. */
const PARAMETERS = { algorithm: 'sha1', digits: 6, period: 30 } as const;

/** ±1 step of clock drift, in seconds (otplib's `epochTolerance`). */
const TOLERANCE_SECONDS = PARAMETERS.period;

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

/** The otpauth:// URL authenticator apps scan: issuer and account label, with the parameters spelled out. */
export const totpUri = (secret: string, issuer: string, accountName: string): string =>
  generateURI({ issuer, label: accountName, secret, ...PARAMETERS });

/**
 * The time step `code` belongs to, when it is valid at `now` (±1 step) and later than `lastStep`;
 * undefined otherwise. Refusing steps up to `lastStep` is what makes a code usable once; the caller
 * still records the step atomically, since two requests can pass this check together.
 */
export async function matchTotpStep(
  secret: string,
  code: string,
  lastStep: number | null,
  now: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const latestAcceptable = Math.floor((now + TOLERANCE_SECONDS) / PARAMETERS.period);
  // otplib throws when afterTimeStep lies beyond the window; no code can be valid then anyway.
  if (lastStep !== null && lastStep >= latestAcceptable) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: now,
    epochTolerance: TOLERANCE_SECONDS,
    ...PARAMETERS,
    ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
