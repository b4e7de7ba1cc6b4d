import { expect, it } from 'vitest';
import type { SmsCodeIssue } from '../../../src/mfa/mfa-store.ts';
import type { Store } from '../../../src/storage/store.ts';
import { aTokenHash, givenUser } from './fixtures.ts';

const NOW = 1_800_000_000;

/** A valid SMS code issue for the user's enrolment slot, sent at NOW. */
export function anSmsCode(userId: string, overrides: Partial<SmsCodeIssue> = {}): SmsCodeIssue {
  return {
    purpose: 'enrolment',
    subject: userId,
    userId,
    phoneNumber: '+4915112345678',
    codeHash: aTokenHash(),
    sentAt: NOW,
    expiresAt: NOW + 300,
    resendAt: NOW + 30,
    ...overrides,
  };
}

/** Contract cases for SMS phones and codes; `store()` is a fresh store per test. */
export function mfaSmsCases(store: () => Store): void {
  it('an SMS phone is switched on once and off with every SMS code of the user', async () => {
    const user = await givenUser(store());
    const phone = { userId: user.id, phoneNumber: '+4915112345678', confirmedAt: NOW };
    expect(await store().findSmsPhone(user.id)).toBeUndefined();
    expect(await store().enableSmsPhone(phone)).toBe(true);
    expect(await store().enableSmsPhone({ ...phone, phoneNumber: '+12025550123' })).toBe(false);
    expect(await store().findSmsPhone(user.id)).toEqual(phone);

    const stepUp = anSmsCode(user.id, { purpose: 'step_up' });
    await store().issueSmsCode(stepUp);
    expect(await store().deleteSmsPhone(user.id)).toBe(true);
    expect(await store().findSmsPhone(user.id)).toBeUndefined();
    expect(await store().useSmsCode(stepUp, stepUp.codeHash, NOW, 5)).toEqual({ outcome: 'none' });
    expect(await store().deleteSmsPhone(user.id)).toBe(false);
  });

  it('issueSmsCode throttles a slot until resendAt and then replaces the code', async () => {
    const user = await givenUser(store());
    const first = anSmsCode(user.id);
    expect(await store().issueSmsCode(first)).toEqual({ issued: true });
    const early = anSmsCode(user.id, { sentAt: NOW + 29, expiresAt: NOW + 329, resendAt: NOW + 59 });
    expect(await store().issueSmsCode(early)).toEqual({ issued: false, retryAt: NOW + 30 });
    expect(await store().issueSmsCode(anSmsCode(user.id, { purpose: 'step_up' }))).toEqual({ issued: true });

    const second = anSmsCode(user.id, { sentAt: NOW + 30, expiresAt: NOW + 330, resendAt: NOW + 60 });
    expect(await store().issueSmsCode(second)).toEqual({ issued: true });
    expect(await store().useSmsCode(first, first.codeHash, NOW + 31, 5)).toEqual({
      outcome: 'wrong',
      attempts: 1,
    });
    expect(await store().useSmsCode(second, second.codeHash, NOW + 31, 5)).toEqual({
      outcome: 'accepted',
      phoneNumber: second.phoneNumber,
    });
  });

  it('of two concurrent issues for one slot at most one is issued', async () => {
    const user = await givenUser(store());
    const results = await Promise.all([
      store().issueSmsCode(anSmsCode(user.id)),
      store().issueSmsCode(anSmsCode(user.id)),
    ]);
    expect(results.filter((r) => r.issued)).toHaveLength(1);
  });

  it('withdrawSmsCode frees the slot only for the code it names', async () => {
    const user = await givenUser(store());
    const code = anSmsCode(user.id);
    await store().issueSmsCode(code);
    await store().withdrawSmsCode(code, aTokenHash());
    expect((await store().issueSmsCode(anSmsCode(user.id, { sentAt: NOW + 1 }))).issued).toBe(false);
    await store().withdrawSmsCode(code, code.codeHash);
    expect(await store().useSmsCode(code, code.codeHash, NOW + 1, 5)).toEqual({ outcome: 'none' });
    expect((await store().issueSmsCode(anSmsCode(user.id, { sentAt: NOW + 1 }))).issued).toBe(true);
  });

  it('useSmsCode accepts a live code once, counts misses, and refuses after too many or after expiry', async () => {
    const user = await givenUser(store());
    const code = anSmsCode(user.id, { purpose: 'login', subject: aTokenHash() });
    await store().issueSmsCode(code);
    const uses = await Promise.all([
      store().useSmsCode(code, code.codeHash, NOW + 1, 5),
      store().useSmsCode(code, code.codeHash, NOW + 1, 5),
    ]);
    expect(uses.map((u) => u.outcome).sort()).toEqual(['accepted', 'none']);

    const again = {
      ...code,
      codeHash: aTokenHash(),
      sentAt: NOW + 40,
      expiresAt: NOW + 340,
      resendAt: NOW + 70,
    };
    await store().issueSmsCode(again);
    for (let n = 1; n <= 2; n++) {
      expect(await store().useSmsCode(again, aTokenHash(), NOW + 41, 2)).toEqual({
        outcome: 'wrong',
        attempts: n,
      });
    }
    expect(await store().useSmsCode(again, again.codeHash, NOW + 41, 2)).toEqual({ outcome: 'exhausted' });

    const late = {
      ...code,
      codeHash: aTokenHash(),
      sentAt: NOW + 80,
      expiresAt: NOW + 380,
      resendAt: NOW + 110,
    };
    await store().issueSmsCode(late);
    expect(await store().useSmsCode(late, late.codeHash, NOW + 380, 5)).toEqual({ outcome: 'expired' });
    expect(
      await store().useSmsCode({ purpose: 'login', subject: aTokenHash() }, late.codeHash, NOW, 5),
    ).toEqual({
      outcome: 'none',
    });
  });
}
