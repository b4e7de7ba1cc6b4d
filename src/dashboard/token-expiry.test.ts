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
      // The last day whose end (23:59:59 UTC) is within 366 days of now.
      maxDate: '2027-03-10',
    });
    expect(expiryChoices(NOW, 30 * DAY).presets.map((p) => p.days)).toEqual([7, 30]);
  });

  it('ends the picker on the day the maximum ends, when the maximum ends at 23:59:59', () => {
    const lastSecond = Date.parse('2026-03-10T23:59:59Z') / 1000;
    expect(expiryChoices(lastSecond - 7 * DAY, 7 * DAY).maxDate).toBe('2026-03-10');
    expect(expiryChoices(lastSecond - 7 * DAY - 1, 7 * DAY).maxDate).toBe('2026-03-09');
  });

  it('turns a preset into now + its days, and a date into the last second of that day (UTC)', () => {
    expect(parseExpiry(form({ expires_in: '7' }), NOW, 366 * DAY)).toBe(NOW + 7 * DAY);
    expect(parseExpiry(form({ expires_in: '7', expires_on: '' }), NOW, 366 * DAY)).toBe(NOW + 7 * DAY);
    const endOfDay = Date.parse('2026-04-01T23:59:59Z') / 1000;
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-04-01' }), NOW, 366 * DAY)).toBe(
      endOfDay,
    );
    const max = expiryChoices(NOW, 366 * DAY).maxDate;
    const latest = parseExpiry(form({ expires_in: 'custom', expires_on: max }), NOW, 366 * DAY);
    expect(latest).toBeLessThanOrEqual(NOW + 366 * DAY);
    // Today is allowed, and ends today.
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-03-10' }), NOW, 366 * DAY)).toBe(
      Date.parse('2026-03-10T23:59:59Z') / 1000,
    );
  });

  it('says what is wrong with anything else', () => {
    const max = 366 * DAY;
    const preset = { field: 'preset', message: 'Choose when the token expires.' };
    expect(parseExpiry(form({}), NOW, max)).toEqual(preset);
    expect(parseExpiry(form({ expires_in: '8' }), NOW, max)).toEqual(preset);
    expect(parseExpiry(form({ expires_in: '90' }), NOW, 30 * DAY)).toEqual(preset);
    expect(parseExpiry(form({ expires_in: 'custom' }), NOW, max)).toEqual({
      field: 'date',
      message: 'Choose the date the token expires.',
    });
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-02-30x' }), NOW, max)).toMatchObject({
      field: 'date',
      message: expect.stringMatching(/Choose the date/),
    });
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2026-03-09' }), NOW, max)).toEqual({
      field: 'date',
      message: 'Choose a date between 2026-03-10 and 2027-03-10.',
    });
    expect(parseExpiry(form({ expires_in: 'custom', expires_on: '2027-03-11' }), NOW, max)).toMatchObject({
      message: expect.stringMatching(/between/),
    });
    // A date with a preset chosen: which one was meant is asked, not guessed.
    expect(parseExpiry(form({ expires_in: '7', expires_on: '2026-04-01' }), NOW, max)).toEqual({
      field: 'date',
      message: 'You picked a date but chose 7 days. Choose “Custom date” to use the date, or clear it.',
    });
  });
});
