import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../auth/password-hasher.ts';
import type { Sessions } from '../auth/sessions.ts';
import { loadServerSecret } from '../keys/server-secret.ts';
import { createBruteForceGuard } from '../ratelimit/brute-force-guard.ts';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store, UserRecord } from '../storage/store.ts';
import { createMfa, type Mfa } from './create-mfa.ts';
import { mfaTokenHash } from './mfa-hashes.ts';
import type { SmsMessage } from './sms-sender.ts';

const T0 = 1_800_000_010;

/** The domain on a private SQLite database with a clock the test moves, and an SMS outbox. */
async function setUp() {
  const store = await openSqliteStore(':memory:');
  const clock = { now: T0 };
  const outbox: SmsMessage[] = [];
  const delivery = { fail: false };
  const started: Array<{ userId: string; amr: string[] }> = [];
  const sessions: Sessions = {
    async start(user, amr) {
      started.push({ userId: user.id, amr });
      return { accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 3600 };
    },
    refresh: () => Promise.reject(new Error('not used')),
    end: () => Promise.reject(new Error('not used')),
  };
  const mfa = createMfa({
    store,
    secret: loadServerSecret({
      secretKey: randomBytes(32).toString('base64'),
      developmentKeyFile: '',
      warn() {},
    }),
    hasher: {} as PasswordHasher,
    bruteForce: createBruteForceGuard(),
    sessions,
    logger: pino({ level: 'silent' }),
    smsWebhookUrl: undefined,
    production: false,
    smsSender: {
      async send(message) {
        if (delivery.fail) throw new Error('gateway down');
        outbox.push(message);
      },
    },
    now: () => clock.now,
  });
  const organization = await store.ensureOrganization({ id: 'org_t', name: 'T', createdAt: T0 });
  const user: UserRecord = {
    id: 'usr_t',
    organizationId: organization.id,
    email: 'ada@example.com',
    emailKey: 'ada@example.com',
    name: 'Ada',
    passwordHash: '$argon2id$unused',
    roles: ['agent'],
    createdAt: T0,
  };
  await store.createUser(user);
  return { store, clock, outbox, delivery, started, mfa, user };
}

const lastCode = (outbox: SmsMessage[]) => /(\d{6})$/.exec(outbox.at(-1)?.body ?? '')?.[1] ?? '';

describe('MFA sign-in with a frozen clock', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let mfa: Mfa;
  let store: Store;
  beforeEach(async () => {
    ctx = await setUp();
    ({ mfa, store } = ctx);
  });
  afterEach(() => store.close());

  async function withSms() {
    await mfa.sms.enroll(ctx.user, '+4915112345678');
    await mfa.sms.confirm(ctx.user, lastCode(ctx.outbox));
    ctx.clock.now += 30;
  }

  it('has no challenge for a user without a confirmed method', async () => {
    expect(await mfa.signIn.challenge(ctx.user)).toBeUndefined();
    await mfa.totp.enroll(ctx.user);
    expect(await mfa.signIn.challenge(ctx.user)).toBeUndefined();
  });

  it('lets an mfa_token work until its fifth minute ends, then answers TOKEN_EXPIRED', async () => {
    const { secret } = await mfa.totp.enroll(ctx.user);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    await mfa.totp.confirm(ctx.user, totp.generate({ timestamp: ctx.clock.now * 1000 }));
    const challenge = await mfa.signIn.challenge(ctx.user);
    expect(challenge).toEqual({
      mfaToken: expect.stringMatching(/^mfa_[0-9A-Za-z]{32}$/),
      methods: ['totp'],
    });
    const mfaToken = challenge?.mfaToken ?? '';

    ctx.clock.now += 300;
    const code = totp.generate({ timestamp: ctx.clock.now * 1000 });
    await expect(mfa.signIn.verify({ mfaToken, method: 'totp', code }, 'a')).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
    const fresh = (await mfa.signIn.challenge(ctx.user))?.mfaToken ?? '';
    ctx.clock.now += 299;
    const later = totp.generate({ timestamp: ctx.clock.now * 1000 });
    await expect(
      mfa.signIn.verify({ mfaToken: fresh, method: 'totp', code: later }, 'a'),
    ).resolves.toBeDefined();
    expect(ctx.started).toEqual([{ userId: ctx.user.id, amr: ['pwd', 'otp'] }]);
  });

  it('throttles SMS codes to one per 30 s per sign-in', async () => {
    await withSms();
    const { mfaToken } = (await mfa.signIn.challenge(ctx.user)) ?? { mfaToken: '' };
    await mfa.signIn.sendCode({ mfaToken, method: 'sms' });
    ctx.clock.now += 29;
    await expect(mfa.signIn.sendCode({ mfaToken, method: 'sms' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
    ctx.clock.now += 1;
    await mfa.signIn.sendCode({ mfaToken, method: 'sms' });
    expect(ctx.outbox).toHaveLength(3);
  });

  it('lets an SMS code live 5 minutes', async () => {
    await mfa.sms.enroll(ctx.user, '+4915112345678');
    ctx.clock.now += 300;
    await expect(mfa.sms.confirm(ctx.user, lastCode(ctx.outbox))).rejects.toThrow(/expired/);
    await mfa.sms.enroll(ctx.user, '+4915112345678');
    ctx.clock.now += 299;
    await mfa.sms.confirm(ctx.user, lastCode(ctx.outbox));
    expect(await mfa.status(ctx.user.id)).toMatchObject({ methods: ['sms'] });
  });

  it('keeps the mfa_token and frees the throttle when delivery fails', async () => {
    await withSms();
    const { mfaToken } = (await mfa.signIn.challenge(ctx.user)) ?? { mfaToken: '' };
    ctx.delivery.fail = true;
    await expect(mfa.signIn.sendCode({ mfaToken, method: 'sms' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    ctx.delivery.fail = false;
    await mfa.signIn.sendCode({ mfaToken, method: 'sms' });
    await mfa.signIn.verify({ mfaToken, method: 'sms', code: lastCode(ctx.outbox) }, 'a');
    expect(ctx.started).toEqual([{ userId: ctx.user.id, amr: ['pwd', 'sms'] }]);
  });

  it('lets asking for a method that is off, or for a code never sent, use tries but not the account’s budget', async () => {
    await withSms();
    for (const method of ['totp', 'sms', 'sms']) {
      const { mfaToken } = (await mfa.signIn.challenge(ctx.user)) ?? { mfaToken: '' };
      const expected = method === 'totp' ? 'INVALID_ARGUMENT' : 'INVALID_CREDENTIALS';
      for (let i = 0; i < 5; i++) {
        await expect(mfa.signIn.verify({ mfaToken, method, code: '123456' }, 'a')).rejects.toMatchObject({
          code: expected,
        });
      }
      await expect(mfa.signIn.verify({ mfaToken, method, code: '123456' }, 'a')).rejects.toMatchObject({
        code: 'TOKEN_INVALID',
      });
    }
    // Fifteen refusals, none of them a guess: the account is not locked.
    const { mfaToken } = (await mfa.signIn.challenge(ctx.user)) ?? { mfaToken: '' };
    await mfa.signIn.sendCode({ mfaToken, method: 'sms' });
    await mfa.signIn.verify({ mfaToken, method: 'sms', code: lastCode(ctx.outbox) }, 'a');
  });

  it('checks at most five codes per mfa_token, however many requests race on it', async () => {
    const { secret } = await mfa.totp.enroll(ctx.user);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    await mfa.totp.confirm(ctx.user, totp.generate({ timestamp: ctx.clock.now * 1000 }));
    const valid = new Set([-30, 0, 30].map((d) => totp.generate({ timestamp: (ctx.clock.now + d) * 1000 })));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c)) ?? '';
    const { mfaToken } = (await mfa.signIn.challenge(ctx.user)) ?? { mfaToken: '' };

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        mfa.signIn
          .verify({ mfaToken, method: 'totp', code: wrong }, 'a')
          .catch((e: { code: string }) => e.code),
      ),
    );
    expect(answers.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(answers.filter((code) => code === 'TOKEN_INVALID')).toHaveLength(15);
    expect((await store.findMfaChallenge(mfaTokenHash(mfaToken)))?.spentAt).toBe(ctx.clock.now);
  });
});
