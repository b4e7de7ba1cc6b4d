import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, expectError } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  amrOf,
  enrolTotp,
  expireMfaTokensOf,
  loginForMfa,
  newUser,
  totpCode,
  verifyMfa,
} from './mfa-support.ts';

const PASSWORD = 'totp password 123';
const RS256_JWT = /^eyJhbGciOiJSUzI1NiIs[\w-]*\.[\w-]+\.[\w-]+$/;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A new user with TOTP on; the current step's code is spent by the confirmation. */
async function givenTotpUser(label: string) {
  const user = await newUser(server, PASSWORD, label);
  const session = await server.login(user.email, PASSWORD);
  const totp = await enrolTotp(server, session.access_token);
  return { ...user, ...totp, accessToken: session.access_token };
}

describe('TOTP enrolment', () => {
  it('answers a 160-bit secret and an otpauth URL with issuer Semaswift and the email, never cached', async () => {
    const user = await newUser(server, PASSWORD, 'enrol');
    const { access_token } = await server.login(user.email, PASSWORD);
    const response = await api<{ secret: string; otpauth_url: string }>(
      server.baseUrl,
      '/api/v1/auth/mfa/totp/enroll',
      { token: access_token, json: {} },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(Object.keys(response.body).sort()).toEqual(['otpauth_url', 'secret']);
    expect(OTPAuth.Secret.fromBase32(response.body.secret).bytes.length).toBeGreaterThanOrEqual(20);
    const uri = OTPAuth.URI.parse(response.body.otpauth_url);
    expect(uri).toMatchObject({
      issuer: 'Semaswift',
      label: user.email,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(uri.secret.base32).toBe(response.body.secret);
  });

  it('does not switch MFA on until confirmed; a wrong code or a replaced secret does not confirm', async () => {
    const user = await newUser(server, PASSWORD, 'pending');
    const { access_token: token } = await server.login(user.email, PASSWORD);
    const enroll = () =>
      api<{ secret: string }>(server.baseUrl, '/api/v1/auth/mfa/totp/enroll', { token, json: {} });
    const confirm = (code: string) =>
      api(server.baseUrl, '/api/v1/auth/mfa/totp/confirm', { token, json: { code } });
    const first = (await enroll()).body.secret;

    const login = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.body).toEqual(expect.objectContaining({ access_token: expect.stringMatching(RS256_JWT) }));
    expect(login.body).not.toHaveProperty('mfa_required');
    expect((await api(server.baseUrl, '/api/v1/auth/mfa', { token })).body).toEqual({
      methods: [],
      totp_pending: true,
      recovery_codes_remaining: 0,
    });

    expectError(await confirm('000000'), 401, 'INVALID_CREDENTIALS');
    const second = (await enroll()).body.secret;
    expect(second).not.toBe(first);
    expectError(await confirm(totpCode(first)), 401, 'INVALID_CREDENTIALS');
    const confirmed = await confirm(totpCode(second));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ recovery_codes: expect.any(Array) });
    const codes = (confirmed.body as { recovery_codes: string[] }).recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect((await api(server.baseUrl, '/api/v1/auth/mfa', { token })).body).toEqual({
      methods: ['totp'],
      totp_pending: false,
      recovery_codes_remaining: 10,
    });
  });

  it('refuses to enrol again while TOTP is on, and refuses PATs and missing credentials', async () => {
    const user = await givenTotpUser('again');
    const enroll = (token?: string) =>
      api(server.baseUrl, '/api/v1/auth/mfa/totp/enroll', { json: {}, ...(token ? { token } : {}) });
    expectError(await enroll(user.accessToken), 409, 'ALREADY_EXISTS');
    expectError(await enroll(), 401, 'TOKEN_INVALID');

    const pat = await api<{ token: string }>(server.baseUrl, '/api/v1/pats', {
      token: user.accessToken,
      json: { name: 'ci', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(pat.status).toBe(200);
    expectError(await enroll(pat.body.token), 403, 'INSUFFICIENT_PERMISSIONS');
    const disable = await api(server.baseUrl, '/api/v1/auth/mfa/totp/disable', {
      token: pat.body.token,
      json: { password: PASSWORD },
    });
    expectError(disable, 403, 'INSUFFICIENT_PERMISSIONS');
  });
});

describe('signing in with TOTP over REST', () => {
  it('answers the MFA challenge, then the token pair with amr pwd+otp', async () => {
    const user = await givenTotpUser('login');
    const login = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(login.body).toEqual({
      mfa_required: true,
      mfa_token: expect.stringMatching(/^mfa_[0-9A-Za-z]{32,}$/),
      mfa_methods: ['totp'],
    });

    const mfaToken = (login.body as { mfa_token: string }).mfa_token;
    const verified = await verifyMfa(server, {
      mfa_token: mfaToken,
      code: totpCode(user.secret, 1),
      method: 'totp',
    });
    expect(verified.status).toBe(200);
    expect(verified.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(verified.body).toEqual({
      access_token: expect.stringMatching(RS256_JWT),
      refresh_token: expect.stringMatching(RS256_JWT),
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(amrOf(verified.body.access_token)).toEqual(['pwd', 'otp']);
    const me = await api(server.baseUrl, '/api/v1/users/me', { token: verified.body.access_token });
    expect(me.body).toMatchObject({ id: user.id, email: user.email });

    const refreshed = await api<{ access_token: string }>(server.baseUrl, '/api/v1/auth/refresh', {
      json: { refresh_token: verified.body.refresh_token },
    });
    expect(amrOf(refreshed.body.access_token)).toEqual(['pwd', 'otp']);
    expect((await loginForMfa(server, user.email, PASSWORD)).mfa_token).not.toBe(mfaToken);
  });

  it('accepts a TOTP code once: a replay fails, and an earlier step too', async () => {
    const user = await givenTotpUser('replay');
    const code = totpCode(user.secret, 1);
    const first = await loginForMfa(server, user.email, PASSWORD);
    expect((await verifyMfa(server, { mfa_token: first.mfa_token, code, method: 'totp' })).status).toBe(200);

    const second = await loginForMfa(server, user.email, PASSWORD);
    const replay = await verifyMfa(server, { mfa_token: second.mfa_token, code, method: 'totp' });
    expectError(replay, 401, 'INVALID_CREDENTIALS');
    const earlier = await verifyMfa(server, {
      mfa_token: second.mfa_token,
      code: totpCode(user.secret),
      method: 'totp',
    });
    expectError(earlier, 401, 'INVALID_CREDENTIALS');
    const [recovery] = user.recoveryCodes;
    const rescued = await verifyMfa(server, {
      mfa_token: second.mfa_token,
      code: recovery ?? '',
      method: 'recovery_code',
    });
    expect(rescued.status).toBe(200);
  });

  it('spends an mfa_token on success: using it again is TOKEN_INVALID, as is a made-up one', async () => {
    const user = await givenTotpUser('reuse');
    const { mfa_token } = await loginForMfa(server, user.email, PASSWORD);
    const [first, second] = user.recoveryCodes;
    expect((await verifyMfa(server, { mfa_token, code: first ?? '', method: 'recovery_code' })).status).toBe(
      200,
    );
    expectError(
      await verifyMfa(server, { mfa_token, code: second ?? '', method: 'recovery_code' }),
      401,
      'TOKEN_INVALID',
    );
    const madeUp = `mfa_${'A'.repeat(32)}`;
    expectError(
      await verifyMfa(server, { mfa_token: madeUp, code: second ?? '', method: 'totp' }),
      401,
      'TOKEN_INVALID',
    );
    expectError(
      await verifyMfa(server, { mfa_token: 'eyJhbGciOi.x.y', code: '123456', method: 'totp' }),
      401,
      'TOKEN_INVALID',
    );
  });

  it('answers TOKEN_EXPIRED for an mfa_token past its five minutes', async () => {
    const user = await givenTotpUser('expiry');
    const { mfa_token } = await loginForMfa(server, user.email, PASSWORD);
    expireMfaTokensOf(server.dbPath, user.id);
    const late = await verifyMfa(server, { mfa_token, code: totpCode(user.secret, 1), method: 'totp' });
    expectError(late, 401, 'TOKEN_EXPIRED');
  });

  it('accepts each recovery code once, however it is typed, with amr pwd+kba', async () => {
    const user = await givenTotpUser('recovery');
    const [code, other] = user.recoveryCodes as [string, string];
    const first = await loginForMfa(server, user.email, PASSWORD);
    const used = await verifyMfa(server, { mfa_token: first.mfa_token, code, method: 'recovery_code' });
    expect(used.status).toBe(200);
    expect(amrOf(used.body.access_token)).toEqual(['pwd', 'kba']);

    const second = await loginForMfa(server, user.email, PASSWORD);
    const twice = await verifyMfa(server, { mfa_token: second.mfa_token, code, method: 'recovery_code' });
    expectError(twice, 401, 'INVALID_CREDENTIALS');
    const typed = ` ${other.toUpperCase().replace('-', ' ')} `;
    expect(
      (await verifyMfa(server, { mfa_token: second.mfa_token, code: typed, method: 'recovery_code' })).status,
    ).toBe(200);
    const status = await api(server.baseUrl, '/api/v1/auth/mfa', { token: user.accessToken });
    expect(status.body).toMatchObject({ recovery_codes_remaining: 8 });
  });

  it('spends the mfa_token at the fifth wrong code, and locks the account at its brute-force limit', async () => {
    const user = await givenTotpUser('lockout');
    const wrong = (mfa_token: string) => verifyMfa(server, { mfa_token, code: '000000', method: 'totp' });
    const first = await loginForMfa(server, user.email, PASSWORD);
    for (let i = 0; i < 5; i++) expectError(await wrong(first.mfa_token), 401, 'INVALID_CREDENTIALS');
    const right = { code: user.recoveryCodes[0] ?? '', method: 'recovery_code' };
    expectError(await verifyMfa(server, { mfa_token: first.mfa_token, ...right }), 401, 'TOKEN_INVALID');

    // The correct password does not reset the count while the second factor is still owed.
    const second = await loginForMfa(server, user.email, PASSWORD);
    const answers: number[] = [];
    for (let i = 0; i < 5 && answers.at(-1) !== 429; i++)
      answers.push((await wrong(second.mfa_token)).status);
    const locked = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expectError(locked, 429, 'RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const third = await verifyMfa(server, { mfa_token: second.mfa_token, ...right });
    expect([401, 429]).toContain(third.status);
  });

  it('needs method to be totp, sms or recovery_code, and every field', async () => {
    const user = await givenTotpUser('fields');
    const { mfa_token } = await loginForMfa(server, user.email, PASSWORD);
    expectError(
      await verifyMfa(server, { mfa_token, code: '123456', method: 'email' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await verifyMfa(server, { mfa_token, code: '', method: 'totp' }), 400, 'INVALID_ARGUMENT');
    const challenge = await api(server.baseUrl, '/api/v1/auth/mfa/challenge', {
      json: { mfa_token, method: 'totp' },
    });
    expectError(challenge, 400, 'INVALID_ARGUMENT');
  });
});

describe('turning TOTP off', () => {
  it('needs the password (wrong ones count), and takes the recovery codes with it', async () => {
    const user = await givenTotpUser('disable');
    const disable = (json: object) =>
      api(server.baseUrl, '/api/v1/auth/mfa/totp/disable', { token: user.accessToken, json });
    expectError(await disable({}), 400, 'INVALID_ARGUMENT');
    expectError(
      await disable({ code: totpCode(user.secret, 1), code_method: 'totp' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await disable({ password: 'not the password' }), 401, 'INVALID_CREDENTIALS');
    expect((await disable({ password: PASSWORD })).status).toBe(200);
    expectError(await disable({ password: PASSWORD }), 400, 'INVALID_ARGUMENT');

    const login = await api(server.baseUrl, '/api/v1/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.body).toHaveProperty('access_token');
    expect((await api(server.baseUrl, '/api/v1/auth/mfa', { token: user.accessToken })).body).toEqual({
      methods: [],
      totp_pending: false,
      recovery_codes_remaining: 0,
    });
  });
});
