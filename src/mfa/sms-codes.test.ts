import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.ts';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { createCodeHasher } from './mfa-hashes.ts';
import { createSmsCodes, NUMBER_CHANGE_WINDOW, NUMBER_CHANGES, type SmsCodes } from './sms-codes.ts';
import type { SmsMessage } from './sms-sender.ts';

const T0 = 1_800_000_010;
const USER = 'usr_t';
const SLOT = { purpose: 'enrolment', subject: USER } as const;
const policy = { smsCodeTtl: 300, smsResendInterval: 30, smsMaxAttempts: 5 };
const codeOf = (message: SmsMessage | undefined) => /(\d{6})$/.exec(message?.body ?? '')?.[1] ?? '';
/** A number of the test's, distinct for each n. */
const phone = (n: number) => `+4915112345${String(n).padStart(3, '0')}`;

describe('SMS codes: the resend throttle and a changed number', () => {
  let store: Store;
  let codes: SmsCodes;
  const clock = { now: T0 };
  const outbox: SmsMessage[] = [];
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.ensureOrganization({ id: 'org_t', name: 'T', createdAt: T0 });
    await store.createUser({
      id: USER,
      organizationId: 'org_t',
      email: 'ada@example.com',
      emailKey: 'ada@example.com',
      name: 'Ada',
      passwordHash: '$argon2id$unused',
      roles: ['agent'],
      createdAt: T0,
    });
    clock.now = T0;
    outbox.length = 0;
    codes = createSmsCodes({
      store,
      sender: { send: async (message) => void outbox.push(message) },
      hashCode: createCodeHasher(randomBytes(32)),
      policy,
      now: () => clock.now,
    });
  });
  afterEach(() => store.close());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof AuthError ? error.code : error),
    );

  it('still throttles a second code to the same number', async () => {
    await codes.send(SLOT, USER, phone(1));
    await expect(refusal(codes.send(SLOT, USER, phone(1)))).resolves.toBe('RATE_LIMITED');
    expect(outbox).toHaveLength(1);
  });

  it('sends at once to a corrected number, and only its code works', async () => {
    await codes.send(SLOT, USER, phone(1));
    const first = codeOf(outbox[0]);
    clock.now += 5;
    await codes.send(SLOT, USER, phone(2));
    expect(outbox.map((m) => m.to)).toEqual([phone(1), phone(2)]);
    const second = codeOf(outbox[1]);
    if (first !== second) await expect(codes.check(SLOT, first)).resolves.toMatchObject({ outcome: 'wrong' });
    await expect(codes.check(SLOT, second)).resolves.toEqual({ outcome: 'accepted', phoneNumber: phone(2) });
  });

  it(`lets ${NUMBER_CHANGES} changes skip the wait per window, then throttles every number again`, async () => {
    await codes.send(SLOT, USER, phone(0));
    for (let n = 1; n <= NUMBER_CHANGES; n++) await codes.send(SLOT, USER, phone(n));
    await expect(refusal(codes.send(SLOT, USER, phone(99)))).resolves.toBe('RATE_LIMITED');
    expect(outbox).toHaveLength(NUMBER_CHANGES + 1);
    // The ordinary interval still lets a code go out, to any number.
    clock.now += policy.smsResendInterval;
    await codes.send(SLOT, USER, phone(99));
    clock.now += 1;
    await expect(refusal(codes.send(SLOT, USER, phone(100)))).resolves.toBe('RATE_LIMITED');
    // Once the window has passed, a change skips the wait again.
    clock.now += NUMBER_CHANGE_WINDOW;
    await codes.send(SLOT, USER, phone(101));
    clock.now += 1;
    await codes.send(SLOT, USER, phone(102));
    expect(outbox.at(-1)?.to).toBe(phone(102));
  });
});
