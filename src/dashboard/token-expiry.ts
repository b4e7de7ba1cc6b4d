const DAY = 86_400;

/** The lifetimes offered as one click, in days. */
export const EXPIRY_PRESETS: readonly number[] = [7, 30, 90];

/** The preset chosen when the form first shows. */
export const DEFAULT_PRESET = 30;

/** What the expiration field offers now. */
export interface ExpiryChoices {
  /** The presets within the server's maximum, with when each would end (epoch seconds). */
  presets: Array<{ days: number; expiresAt: number }>;
  /** Bounds of the date picker, `YYYY-MM-DD` (UTC). */
  minDate: string;
  maxDate: string;
}

const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const startOfDay = (seconds: number) => Math.floor(seconds / DAY) * DAY;

/**
 * What the expiration field offers. A custom date means "until the end of that day (UTC)"; the
 * picker's last day is the last one whose end is within `--pat-max-ttl-days`, so every date it
 * allows is one the PAT domain accepts.
 */
export function expiryChoices(now: number, maxTtlSeconds: number): ExpiryChoices {
  const latest = now + maxTtlSeconds;
  return {
    presets: EXPIRY_PRESETS.filter((days) => days * DAY <= maxTtlSeconds).map((days) => ({
      days,
      expiresAt: now + days * DAY,
    })),
    minDate: isoDate(now),
    maxDate: isoDate(startOfDay(latest) - DAY),
  };
}

/**
 * The expiry the form asks for (`expires_in`: a preset's days or `custom`; `expires_on`: the custom
 * date), as epoch seconds; or a message saying what is wrong. The PAT domain checks the bounds
 * again: this only turns the form into a time.
 */
export function parseExpiry(form: URLSearchParams, now: number, maxTtlSeconds: number): number | string {
  const choice = form.get('expires_in') ?? '';
  if (choice === 'custom') {
    const date = form.get('expires_on') ?? '';
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(parsed)) return 'Choose the date the token expires.';
    const expiresAt = parsed / 1000 + DAY;
    const { minDate, maxDate } = expiryChoices(now, maxTtlSeconds);
    if (date < minDate || date > maxDate) return `Choose a date between ${minDate} and ${maxDate}.`;
    return expiresAt;
  }
  const days = Number(choice);
  if (!EXPIRY_PRESETS.includes(days) || days * DAY > maxTtlSeconds) return 'Choose when the token expires.';
  return now + days * DAY;
}
