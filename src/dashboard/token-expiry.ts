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
 * The last second of the day that starts at `dayStart`: a token "until the end of 20 Jan" is
 * stored as 23:59:59 that day, so it is listed as 20 Jan (midnight after it would read 21 Jan).
 */
const endOfDay = (dayStart: number) => dayStart + DAY - 1;

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
    maxDate: isoDate(startOfDay(latest + 1) - DAY),
  };
}

/** Which field a refusal of the expiry belongs to: the date, or the preset radio buttons. */
export interface ExpiryRefusal {
  field: 'date' | 'preset';
  message: string;
}

/**
 * The expiry the form asks for (`expires_in`: a preset's days or `custom`; `expires_on`: the custom
 * date), as epoch seconds; or what is wrong, and with which field. The PAT domain checks the
 * bounds again: this only turns the form into a time.
 */
export function parseExpiry(
  form: URLSearchParams,
  now: number,
  maxTtlSeconds: number,
): number | ExpiryRefusal {
  const choice = form.get('expires_in') ?? '';
  const date = form.get('expires_on') ?? '';
  if (choice === 'custom') {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(parsed)) return { field: 'date', message: 'Choose the date the token expires.' };
    const { minDate, maxDate } = expiryChoices(now, maxTtlSeconds);
    if (date < minDate || date > maxDate) {
      return { field: 'date', message: `Choose a date between ${minDate} and ${maxDate}.` };
    }
    return endOfDay(parsed / 1000);
  }
  const days = Number(choice);
  if (!EXPIRY_PRESETS.includes(days) || days * DAY > maxTtlSeconds) {
    return { field: 'preset', message: 'Choose when the token expires.' };
  }
  // Without the script nothing ties a picked date to its radio button: a date and a preset
  // together are two answers, and guessing one could give a token a lifetime nobody chose.
  if (date !== '') {
    return {
      field: 'date',
      message: `You picked a date but chose ${days} days. Choose “Custom date” to use the date, or clear it.`,
    };
  }
  return now + days * DAY;
}
