import { AuthError } from '../errors/auth-error.ts';
import { html, type SafeHtml } from '../web/html.ts';

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** A date for a person, with the exact time (UTC) on hover and for machines. */
export function timeOf(seconds: number): SafeHtml {
  const date = new Date(seconds * 1000);
  return html`<time datetime="${date.toISOString()}" title="${DATE_TIME.format(date)}">${DATE.format(date)}</time>`;
}

/** The date and time, for where the exact moment matters (when a new token expires). */
export const dateTimeOf = (seconds: number): string => DATE_TIME.format(new Date(seconds * 1000));

/** What a refused action tells the person, and the page's status. AuthError messages are safe to show. */
export function refusalOf(error: unknown): { status: number; message: string } {
  if (!(error instanceof AuthError)) throw error;
  switch (error.code) {
    case 'RATE_LIMITED': {
      const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
      return {
        status: 429,
        message: `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      };
    }
    case 'UNAVAILABLE':
      return { status: 503, message: 'This is unavailable right now. Please try again shortly.' };
    case 'INVALID_CREDENTIALS':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_INVALID':
      return { status: 401, message: error.message };
    case 'INSUFFICIENT_PERMISSIONS':
      return { status: 403, message: error.message };
    case 'NOT_FOUND':
      return { status: 404, message: error.message };
    case 'ALREADY_EXISTS':
      return { status: 409, message: error.message };
    default:
      return { status: error.code === 'INTERNAL' ? 500 : 400, message: error.message };
  }
}
