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
