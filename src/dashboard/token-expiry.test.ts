import { describe, expect, it } from 'vitest';
import { expiryChoices, parseExpiry } from './token-expiry.ts';

const DAY = 86_400;
/** 2026-03-10T15:30:00Z. */
const NOW = Date.parse('2026-03-10T15:30:00Z') / 1000;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('token expiry choices', () => {
  it('offers the presets within the maximum and a date picker whose every day is allowed', () => {
    expect(expiryChoices(NOW, 366 * DAY)).toEqual({
      presets: [
        { days: 7, expiresAt: NOW + 7 * DAY },
        { days: 30, expiresAt: NOW + 30 * DAY },
        { days: 90, expiresAt: NOW + 90 * DAY },
      ],
      minDate: '2026-03-10',
      // The last day whose end (UTC midnight after it) is within 366 days of now.
      maxDate: '2027-03-10',
    });
    expect(expiryChoices(NOW, 30 * DAY).presets.map((p) => p.days)).toEqual([7, 30]);
  });

  it('turns a preset into now + its days, and a date into the end of that day (UTC)', () => {
    expect(parseExpiry(form({ expires_in: '7' }), NOW, 366 * DAY)).toBe(NOW + 7 * DAY);
    const endOfDay = Date.parse('2026-04-02T00:00:00Z') / 1000;
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-04-01' }), NOW, 366 * DAY)).toBe(
      endOfDay,
    );
    const max = expiryChoices(NOW, 366 * DAY).maxDate;
    const latest = parseExpiry(form({ expires_in: 'custom', expires_on: max }), NOW, 366 * DAY);
    expect(latest).toBeLessThanOrEqual(NOW + 366 * DAY);
  });

  it('says what is wrong with anything else', () => {
    const max = 366 * DAY;
    expect(parseExpiry(form({}), NOW, max)).toBe('Choose when the token expires.');
    expect(parseExpiry(form({ expires_in: '8' }), NOW, max)).toBe('Choose when the token expires.');
    expect(parseExpiry(form({ expires_in: '90' }), NOW, 30 * DAY)).toBe('Choose when the token expires.');
    expect(parseExpiry(form({ expires_in: 'custom' }), NOW, max)).toBe('Choose the date the token expires.');
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-02-30x' }), NOW, max)).toMatch(
      /Choose the date/,
    );
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-03-09' }), NOW, max)).toBe(
      'Choose a date between 2026-03-10 and 2027-03-10.',
    );
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2027-03-11' }), NOW, max)).toMatch(
      /between/,
    );
  });
});
