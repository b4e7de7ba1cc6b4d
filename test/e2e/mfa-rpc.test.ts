import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorInfoSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { AuthService } from '../../src/gen/semaswift/auth/v1/auth_service_pb.js';
import { errorInfoOf, failureOf, type GrpcStubs, grpc, grpcStubs, unary } from '../support/grpc-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { amrOf, enrolTotp, expireMfaTokensOf, newUser, totpCode } from './mfa-support.ts';

const PASSWORD = 'rpc mfa password';

let server: TestServer;
let stubs: GrpcStubs;

beforeAll(async () => {
  server = await startTestServer();
  stubs = grpcStubs(server.port);
});
afterAll(async () => {
  stubs?.close();
  await server?.stop();
});

describe('MFA over gRPC (grpc-js, the proto as other services load it)', () => {
  it('Login answers the challenge and VerifyMfa the token pair with amr pwd+otp', async () => {
    const user = await newUser(server, PASSWORD, 'grpc');
    const { secret } = await enrolTotp(server, (await server.login(user.email, PASSWORD)).access_token);

    const login = await unary<Record<string, unknown>>(stubs.auth, 'Login', {
      email: user.email,
      password: PASSWORD,
    });
    expect(login).toMatchObject({ mfa_required: true, mfa_methods: ['totp'] });
    expect(login).not.toHaveProperty('access_token');
    const mfaToken = login.mfa_token as string;

    const wrong = await failureOf(
      unary(stubs.auth, 'VerifyMfa', { mfa_token: mfaToken, code: '000000', method: 'totp' }),
    );
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(errorInfoOf(wrong)?.reason).toBe('INVALID_CREDENTIALS');

    const pair = await unary<{ access_token: string; token_type: string; expires_in: number }>(
      stubs.auth,
      'VerifyMfa',
      {
        mfa_token: mfaToken,
        code: totpCode(secret, 1),
        method: 'totp',
      },
    );
    expect(pair).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(amrOf(pair.access_token)).toEqual(['pwd', 'otp']);

    const reused = await failureOf(
      unary(stubs.auth, 'VerifyMfa', { mfa_token: mfaToken, code: '123456', method: 'totp' }),
    );
    expect(errorInfoOf(reused)?.reason).toBe('TOKEN_INVALID');
  });

  it('maps an expired mfa_token to UNAUTHENTICATED with reason TOKEN_EXPIRED', async () => {
    const user = await newUser(server, PASSWORD, 'grpc-expiry');
    const { secret } = await enrolTotp(server, (await server.login(user.email, PASSWORD)).access_token);
    const login = await unary<{ mfa_token: string }>(stubs.auth, 'Login', {
      email: user.email,
      password: PASSWORD,
    });
    expireMfaTokensOf(server.dbPath, user.id);
    const late = await failureOf(
      unary(stubs.auth, 'VerifyMfa', {
        mfa_token: login.mfa_token,
        code: totpCode(secret, 1),
        method: 'totp',
      }),
    );
    expect(late.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(errorInfoOf(late)?.reason).toBe('TOKEN_EXPIRED');
  });
});

describe('MFA over Connect (generated client)', () => {
  const client = () =>
    createClient(AuthService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '1.1' }));

  it('enrols, confirms and signs in with TOTP, all through the same service', async () => {
    const user = await newUser(server, PASSWORD, 'connect');
    const auth = client();
    const session = await auth.login({ email: user.email, password: PASSWORD });
    const headers = { authorization: `Bearer ${session.accessToken}` };

    const { secret, otpauthUrl } = await auth.enrollTotp({}, { headers });
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Semaswift:/);
    const { recoveryCodes } = await auth.confirmTotp({ code: totpCode(secret) }, { headers });
    expect(recoveryCodes).toHaveLength(10);
    expect(await auth.getMfaStatus({}, { headers })).toMatchObject({
      methods: ['totp'],
      recoveryCodesRemaining: 10,
    });

    const login = await auth.login({ email: user.email, password: PASSWORD });
    expect(login).toMatchObject({ mfaRequired: true, mfaMethods: ['totp'] });
    const pair = await auth.verifyMfa({
      mfaToken: login.mfaToken ?? '',
      code: totpCode(secret, 1),
      method: 'totp',
    });
    expect(amrOf(pair.accessToken)).toEqual(['pwd', 'otp']);

    const again = await auth.enrollTotp({}, { headers }).catch((error: unknown) => ConnectError.from(error));
    expect(again).toBeInstanceOf(ConnectError);
    expect((again as ConnectError).code).toBe(Code.AlreadyExists);
    expect((again as ConnectError).findDetails(ErrorInfoSchema)[0]?.reason).toBe('ALREADY_EXISTS');
  });
});
