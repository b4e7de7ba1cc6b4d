import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  amrOf,
  enrolTotp,
  loginForMfa,
  newUser,
  type SmsReceiver,
  startSmsReceiver,
  totpCode,
  verifyMfa,
} from './mfa-support.ts';

const PASSWORD = 'sms password 1234';
const PHONE = '+4915112345678';

let server: TestServer;
let receiver: SmsReceiver;

beforeAll(async () => {
  receiver = await startSmsReceiver();
  server = await startTestServer({ smsWebhookUrl: receiver.url });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const call = (path: string, token: string, json: object = {}) => api(server.baseUrl, path, { token, json });
const statusOf = (token: string) => api(server.baseUrl, '/api/v1/auth/mfa', { token });

/** A new signed-in user with SMS on (phone PHONE). */
async function givenSmsUser(label: string) {
  const user = await newUser(server, PASSWORD, label);
  const { access_token: token } = await server.login(user.email, PASSWORD);
  expect((await call('/api/v1/auth/mfa/sms/enroll', token, { phone_number: PHONE })).status).toBe(200);
  expect((await call('/api/v1/auth/mfa/sms/confirm', token, { code: receiver.lastCode() })).status).toBe(200);
  return { ...user, token };
}

describe('SMS enrolment', () => {
  it('sends a code to the E.164 number through the webhook, and switches SMS on once confirmed', async () => {
    const user = await newUser(server, PASSWORD, 'enrol');
    const { access_token: token } = await server.login(user.email, PASSWORD);
    const sent = receiver.messages.length;
    const enrolled = await call('/api/v1/auth/mfa/sms/enroll', token, { phone_number: '+49 151 1234 5678' });
    expect({ status: enrolled.status, body: enrolled.body }).toEqual({ status: 200, body: {} });
    expect(receiver.messages.slice(sent)).toEqual([
      { to: PHONE, body: expect.stringMatching(/^Your Semaswift code is \d{6}$/) },
    ]);

    expect((await statusOf(token)).body).toMatchObject({ methods: [] });
    const login = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.body).toHaveProperty('access_token');

    const code = receiver.lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    expectError(
      await call('/api/v1/auth/mfa/sms/confirm', token, { code: wrong }),
      401,
      'INVALID_CREDENTIALS',
    );
    expect((await call('/api/v1/auth/mfa/sms/confirm', token, { code })).status).toBe(200);
    expect((await statusOf(token)).body).toEqual({
      methods: ['sms'],
      totp_pending: false,
      sms_phone_number_hint: '+49•••••••••78',
      recovery_codes_remaining: 0,
    });
    expectError(await call('/api/v1/auth/mfa/sms/confirm', token, { code }), 401, 'INVALID_CREDENTIALS');
    expectError(
      await call('/api/v1/auth/mfa/sms/enroll', token, { phone_number: PHONE }),
      409,
      'ALREADY_EXISTS',
    );
  });

  it('refuses a number that is not E.164, sending nothing', async () => {
    const user = await newUser(server, PASSWORD, 'bad-phone');
    const { access_token: token } = await server.login(user.email, PASSWORD);
    const sent = receiver.messages.length;
    for (const phone_number of ['015112345678', '+0151123456', '+49 151 abc']) {
      expectError(
        await call('/api/v1/auth/mfa/sms/enroll', token, { phone_number }),
        400,
        'INVALID_ARGUMENT',
      );
    }
    expect(receiver.messages.length).toBe(sent);
  });
});

describe('signing in with SMS', () => {
  it('sends a code for the mfa_token and answers the token pair with amr pwd+sms', async () => {
    const user = await givenSmsUser('login');
    const { mfa_token, mfa_methods } = await loginForMfa(server, user.email, PASSWORD);
    expect(mfa_methods).toEqual(['sms']);
    const challenge = await api(server.baseUrl, '/api/v1/auth/mfa/challenge', {
      json: { mfa_token, method: 'sms' },
    });
    expect({ status: challenge.status, body: challenge.body }).toEqual({ status: 200, body: {} });
    expect(receiver.messages.at(-1)?.to).toBe(PHONE);

    const verified = await verifyMfa(server, { mfa_token, code: receiver.lastCode(), method: 'sms' });
    expect(verified.status).toBe(200);
    expect(amrOf(verified.body.access_token)).toEqual(['pwd', 'sms']);
  });

  it('throttles re-sending to once per 30 s per mfa_token, with Retry-After', async () => {
    const user = await givenSmsUser('throttle');
    const { mfa_token } = await loginForMfa(server, user.email, PASSWORD);
    const challenge = () =>
      api(server.baseUrl, '/api/v1/auth/mfa/challenge', { json: { mfa_token, method: 'sms' } });
    expect((await challenge()).status).toBe(200);
    const sent = receiver.messages.length;
    const again = await challenge();
    expectError(again, 429, 'RATE_LIMITED');
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(receiver.messages.length).toBe(sent);
    // The code that was sent still works.
    expect((await verifyMfa(server, { mfa_token, code: receiver.lastCode(), method: 'sms' })).status).toBe(
      200,
    );
  });

  it('reports a failed delivery as UNAVAILABLE without the code, and keeps the mfa_token usable', async () => {
    const user = await givenSmsUser('failure');
    const { mfa_token } = await loginForMfa(server, user.email, PASSWORD);
    const challenge = () =>
      api(server.baseUrl, '/api/v1/auth/mfa/challenge', { json: { mfa_token, method: 'sms' } });
    receiver.status = 500;
    let failed: Awaited<ReturnType<typeof challenge>>;
    try {
      failed = await challenge();
    } finally {
      receiver.status = 200;
    }
    expectError(failed, 503, 'UNAVAILABLE');
    const undelivered = /(\d{6})$/.exec(receiver.messages.at(-1)?.body ?? '')?.[1] ?? '';
    expect(JSON.stringify(failed.body)).not.toContain(undelivered);
    expectError(
      await verifyMfa(server, { mfa_token, code: undelivered, method: 'sms' }),
      401,
      'INVALID_CREDENTIALS',
    );

    expect((await challenge()).status).toBe(200);
    expect((await verifyMfa(server, { mfa_token, code: receiver.lastCode(), method: 'sms' })).status).toBe(
      200,
    );
  });
});

describe('turning a method off', () => {
  /** A user with SMS and TOTP on (TOTP's current step spent by its confirmation). */
  async function givenBothMethods(label: string) {
    const user = await givenSmsUser(label);
    const { secret } = await enrolTotp(server, user.token);
    return { ...user, secret };
  }

  it('lists both methods at login', async () => {
    const user = await givenBothMethods('both');
    expect((await loginForMfa(server, user.email, PASSWORD)).mfa_methods).toEqual(['totp', 'sms']);
  });

  it('turns SMS off with a fresh TOTP code, never with a code of SMS itself', async () => {
    const user = await givenBothMethods('off-sms');
    const disable = (json: object) => call('/api/v1/auth/mfa/sms/disable', user.token, json);
    const code = totpCode(user.secret, 1);
    expectError(await disable({ code }), 400, 'INVALID_ARGUMENT');
    expectError(await disable({ code, code_method: 'sms' }), 400, 'INVALID_ARGUMENT');
    expectError(await disable({ code: '000000', code_method: 'totp' }), 401, 'INVALID_CREDENTIALS');
    expect((await disable({ code, code_method: 'totp' })).status).toBe(200);
    expect((await loginForMfa(server, user.email, PASSWORD)).mfa_methods).toEqual(['totp']);
  });

  it('turns TOTP off with a step-up SMS code', async () => {
    const user = await givenBothMethods('off-totp');
    expect((await call('/api/v1/auth/mfa/sms/send', user.token)).status).toBe(200);
    const disable = await call('/api/v1/auth/mfa/totp/disable', user.token, {
      code: receiver.lastCode(),
      code_method: 'sms',
    });
    expect(disable.status).toBe(200);
    expect((await statusOf(user.token)).body).toMatchObject({
      methods: ['sms'],
      recovery_codes_remaining: 0,
    });
  });

  it('turns the last method off with the password, and then sign-in needs no code', async () => {
    const user = await givenSmsUser('off-last');
    const disable = (json: object) => call('/api/v1/auth/mfa/sms/disable', user.token, json);
    expectError(await disable({ password: 'wrong password!' }), 401, 'INVALID_CREDENTIALS');
    expect((await disable({ password: PASSWORD })).status).toBe(200);
    const login = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.body).toHaveProperty('access_token');
  });
});
