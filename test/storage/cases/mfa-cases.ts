import { describe, expect, it } from 'vitest';
import type { MfaChallengeRecord, SmsCodeSlot } from '../../../src/mfa/mfa-store.ts';
import type { Store } from '../../../src/storage/store.ts';
import { aTokenHash, givenUser } from './fixtures.ts';
import { anSmsCode, mfaSmsCases } from './mfa-sms-cases.ts';

const NOW = 1_800_000_000;
const STEP = 60_000_000;

function aChallenge(userId: string, overrides: Partial<MfaChallengeRecord> = {}): MfaChallengeRecord {
  return {
    tokenHash: aTokenHash(),
    userId,
    createdAt: NOW,
    expiresAt: NOW + 300,
    failures: 0,
    spentAt: null,
    ...overrides,
  };
}

/** A user with TOTP switched on (last step `STEP`) and the given recovery code hashes. */
async function givenTotpUser(store: Store, recoveryCodeHashes: string[] = []) {
  const user = await givenUser(store);
  await store.savePendingTotp(user.id, 'sealed-secret', NOW);
  await store.confirmTotp({
    userId: user.id,
    secretSealed: 'sealed-secret',
    step: STEP,
    recoveryCodeHashes,
    now: NOW,
  });
  return user;
}

/** Contract cases for MFA (`MfaStore`); `store()` is a fresh store per test. */
export function mfaCases(store: () => Store): void {
  describe('SMS phones and codes', () => mfaSmsCases(store));

  it('stores a challenge by hash and finds it as stored', async () => {
    const user = await givenUser(store());
    const challenge = aChallenge(user.id);
    await store().createMfaChallenge(challenge);
    expect(await store().findMfaChallenge(challenge.tokenHash)).toEqual(challenge);
    expect(await store().findMfaChallenge(aTokenHash())).toBeUndefined();
  });

  it('a new challenge forgets the user’s expired and spent ones, with their SMS codes, and no one else’s', async () => {
    const user = await givenUser(store());
    const other = await givenUser(store());
    const expired = aChallenge(user.id, { expiresAt: NOW - 1 });
    const spent = aChallenge(user.id, { spentAt: NOW - 10 });
    const live = aChallenge(user.id);
    const othersExpired = aChallenge(other.id, { expiresAt: NOW - 1 });
    for (const c of [expired, spent, live, othersExpired]) await store().createMfaChallenge(c);
    const loginSlot: SmsCodeSlot = { purpose: 'login', subject: expired.tokenHash };
    const code = anSmsCode(user.id, {
      ...loginSlot,
      sentAt: NOW - 400,
      expiresAt: NOW - 100,
      resendAt: NOW - 370,
    });
    await store().issueSmsCode(code);

    await store().createMfaChallenge(aChallenge(user.id, { createdAt: NOW }));
    expect(await store().findMfaChallenge(expired.tokenHash)).toBeUndefined();
    expect(await store().findMfaChallenge(spent.tokenHash)).toBeUndefined();
    expect(await store().findMfaChallenge(live.tokenHash)).toEqual(live);
    expect(await store().findMfaChallenge(othersExpired.tokenHash)).toEqual(othersExpired);
    expect(await store().useSmsCode(loginSlot, code.codeHash, NOW - 200, 5)).toEqual({ outcome: 'none' });
  });

  it('recordMfaChallengeFailure counts, spends at the limit, and answers 0 for an unknown challenge', async () => {
    const user = await givenUser(store());
    const challenge = aChallenge(user.id);
    await store().createMfaChallenge(challenge);
    for (let n = 1; n <= 2; n++) {
      expect(await store().recordMfaChallengeFailure(challenge.tokenHash, 3, NOW + n)).toBe(n);
      expect((await store().findMfaChallenge(challenge.tokenHash))?.spentAt).toBeNull();
    }
    expect(await store().recordMfaChallengeFailure(challenge.tokenHash, 3, NOW + 3)).toBe(3);
    expect(await store().findMfaChallenge(challenge.tokenHash)).toMatchObject({
      failures: 3,
      spentAt: NOW + 3,
    });
    expect(await store().recordMfaChallengeFailure(challenge.tokenHash, 3, NOW + 4)).toBe(4);
    expect((await store().findMfaChallenge(challenge.tokenHash))?.spentAt).toBe(NOW + 3);
    expect(await store().spendMfaChallenge(challenge.tokenHash, NOW + 5)).toBe(false);
    expect(await store().recordMfaChallengeFailure(aTokenHash(), 3, NOW)).toBe(0);
  });

  it('concurrent failures each count', async () => {
    const user = await givenUser(store());
    const challenge = aChallenge(user.id);
    await store().createMfaChallenge(challenge);
    const counts = await Promise.all(
      Array.from({ length: 5 }, () => store().recordMfaChallengeFailure(challenge.tokenHash, 5, NOW)),
    );
    expect([...counts].sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store().findMfaChallenge(challenge.tokenHash))?.spentAt).toBe(NOW);
  });

  it('spendMfaChallenge spends once, never an expired or unknown challenge', async () => {
    const user = await givenUser(store());
    const challenge = aChallenge(user.id);
    const expiring = aChallenge(user.id, { expiresAt: NOW + 10 });
    await store().createMfaChallenge(challenge);
    await store().createMfaChallenge(expiring);
    const results = await Promise.all([
      store().spendMfaChallenge(challenge.tokenHash, NOW + 1),
      store().spendMfaChallenge(challenge.tokenHash, NOW + 1),
    ]);
    expect([...results].sort()).toEqual([false, true]);
    expect((await store().findMfaChallenge(challenge.tokenHash))?.spentAt).toBe(NOW + 1);
    expect(await store().spendMfaChallenge(expiring.tokenHash, NOW + 10)).toBe(false);
    expect((await store().findMfaChallenge(expiring.tokenHash))?.spentAt).toBeNull();
    expect(await store().spendMfaChallenge(aTokenHash(), NOW)).toBe(false);
  });

  it('a pending TOTP enrolment is replaced by the next, and is not on', async () => {
    const user = await givenUser(store());
    expect(await store().findTotp(user.id)).toBeUndefined();
    expect(await store().savePendingTotp(user.id, 'first', NOW)).toBe(true);
    expect(await store().savePendingTotp(user.id, 'second', NOW + 1)).toBe(true);
    expect(await store().findTotp(user.id)).toEqual({
      userId: user.id,
      secretSealed: 'second',
      createdAt: NOW + 1,
      confirmedAt: null,
      lastStep: null,
    });
    expect(await store().advanceTotpStep(user.id, STEP)).toBe(false);
  });

  it('confirmTotp switches on the enrolment it was given, with its step and recovery codes', async () => {
    const user = await givenUser(store());
    await store().savePendingTotp(user.id, 'current', NOW);
    const confirm = (secretSealed: string) =>
      store().confirmTotp({
        userId: user.id,
        secretSealed,
        step: STEP,
        recoveryCodeHashes: ['a', 'b'],
        now: NOW + 5,
      });
    expect(await confirm('replaced-meanwhile')).toBe(false);
    expect(await store().countUnusedRecoveryCodes(user.id)).toBe(0);
    expect(await confirm('current')).toBe(true);
    expect(await store().findTotp(user.id)).toMatchObject({ confirmedAt: NOW + 5, lastStep: STEP });
    expect(await store().countUnusedRecoveryCodes(user.id)).toBe(2);
    expect(await confirm('current')).toBe(false);
  });

  it('savePendingTotp leaves TOTP that is on untouched', async () => {
    const user = await givenTotpUser(store(), ['a']);
    expect(await store().savePendingTotp(user.id, 'intruder', NOW + 9)).toBe(false);
    expect(await store().findTotp(user.id)).toMatchObject({
      secretSealed: 'sealed-secret',
      confirmedAt: NOW,
    });
  });

  it('advanceTotpStep accepts only later steps, and one of two racing calls', async () => {
    const user = await givenTotpUser(store());
    expect(await store().advanceTotpStep(user.id, STEP)).toBe(false);
    expect(await store().advanceTotpStep(user.id, STEP - 1)).toBe(false);
    const results = await Promise.all([
      store().advanceTotpStep(user.id, STEP + 1),
      store().advanceTotpStep(user.id, STEP + 1),
    ]);
    expect([...results].sort()).toEqual([false, true]);
    expect(await store().advanceTotpStep(user.id, STEP + 3)).toBe(true);
    expect((await store().findTotp(user.id))?.lastStep).toBe(STEP + 3);
    expect(await store().advanceTotpStep('usr_unknown', STEP + 9)).toBe(false);
  });

  it('recovery codes are used once each, one of two racing uses wins, and they go with TOTP', async () => {
    const user = await givenTotpUser(store(), ['one', 'two']);
    const other = await givenTotpUser(store(), ['one']);
    const results = await Promise.all([
      store().consumeRecoveryCode(user.id, 'one', NOW),
      store().consumeRecoveryCode(user.id, 'one', NOW),
    ]);
    expect([...results].sort()).toEqual([false, true]);
    expect(await store().consumeRecoveryCode(user.id, 'unknown', NOW)).toBe(false);
    expect(await store().countUnusedRecoveryCodes(user.id)).toBe(1);
    expect(await store().countUnusedRecoveryCodes(other.id)).toBe(1);

    expect(await store().deleteTotp(user.id)).toBe(true);
    expect(await store().findTotp(user.id)).toBeUndefined();
    expect(await store().consumeRecoveryCode(user.id, 'two', NOW)).toBe(false);
    expect(await store().deleteTotp(user.id)).toBe(false);
    expect(await store().consumeRecoveryCode(other.id, 'one', NOW)).toBe(true);
  });

  it('deleting a user removes their MFA records', async () => {
    const user = await givenTotpUser(store(), ['one']);
    const challenge = aChallenge(user.id);
    await store().createMfaChallenge(challenge);
    await store().enableSmsPhone({ userId: user.id, phoneNumber: '+4915112345678', confirmedAt: NOW });
    expect(await store().deleteUser(user.id)).toBe(true);
    expect(await store().findMfaChallenge(challenge.tokenHash)).toBeUndefined();
    expect(await store().findTotp(user.id)).toBeUndefined();
    expect(await store().findSmsPhone(user.id)).toBeUndefined();
  });
}
