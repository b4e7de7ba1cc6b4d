import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ErrorInfo,
  errorInfoOf,
  failureOf,
  type GrpcStubs,
  grpc,
  grpcStubs,
  unary,
} from '../support/grpc-client.ts';
import { type CreatedUser, startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'grpc password here';
const DOMAIN = 'auth.semaswift.com';

interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

let server: TestServer;
let stubs: GrpcStubs;
let admin: CreatedUser;
let agent: CreatedUser;
let adminPair: TokenPair;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent] = await Promise.all([
    server.createUser({ email: 'admin@grpc.test', password: PASSWORD, org: 'grpc', roles: ['admin'] }),
    server.createUser({ email: 'agent@grpc.test', password: PASSWORD, org: 'grpc', roles: ['agent'] }),
  ]);
  stubs = grpcStubs(server.port);
  adminPair = await unary<TokenPair>(stubs.auth, 'Login', { email: admin.email, password: PASSWORD });
});

afterAll(async () => {
  stubs?.close();
  await server?.stop();
});

async function expectFailure(call: Promise<unknown>, code: grpc.status, reason: string): Promise<void> {
  const error = await failureOf(call);
  expect(error.code).toBe(code);
  expect(errorInfoOf(error)).toMatchObject<ErrorInfo>({ reason, domain: DOMAIN });
}

describe('semaswift.auth.v1 over gRPC (grpc-js, h2c, same port)', () => {
  it('Login answers the token pair with snake_case fields', () => {
    expect(adminPair).toMatchObject({
      access_token: expect.stringMatching(/^eyJhbGciOiJSUzI1NiIs/),
      refresh_token: expect.stringMatching(/^eyJhbGciOiJSUzI1NiIs/),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  it('GetMe answers the caller named by the authorization metadata', async () => {
    const me = await unary(stubs.users, 'GetMe', {}, `Bearer ${adminPair.access_token}`);
    expect(me).toMatchObject({
      id: admin.id,
      email: admin.email,
      organization_id: admin.organization_id,
      roles: ['admin'],
    });
  });

  it('ListUsers and CreateUser work for an admin', async () => {
    const bearer = `Bearer ${adminPair.access_token}`;
    const created = await unary(
      stubs.users,
      'CreateUser',
      { email: 'made@grpc.test', password: 'made by grpc' },
      bearer,
    );
    expect(created).toMatchObject({ id: expect.stringMatching(/^usr_/), roles: ['agent'] });
    const list = await unary<{ users: Array<{ id: string }> }>(stubs.users, 'ListUsers', {}, bearer);
    expect(list.users.map((u) => u.id).sort()).toEqual([admin.id, agent.id, created.id].sort());
  });

  it('Refresh rotates the pair', async () => {
    const pair = await unary<TokenPair>(stubs.auth, 'Login', { email: agent.email, password: PASSWORD });
    const next = await unary<TokenPair>(stubs.auth, 'Refresh', { refresh_token: pair.refresh_token });
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    await expectFailure(
      unary(stubs.auth, 'Refresh', { refresh_token: pair.refresh_token }),
      grpc.status.UNAUTHENTICATED,
      'TOKEN_INVALID',
    );
  });
});

describe('errors carry google.rpc.ErrorInfo with the documented reason', () => {
  it('no credential → UNAUTHENTICATED, TOKEN_INVALID', async () => {
    await expectFailure(unary(stubs.users, 'GetMe', {}), grpc.status.UNAUTHENTICATED, 'TOKEN_INVALID');
  });

  it('a refresh token as credential → UNAUTHENTICATED, TOKEN_INVALID', async () => {
    const call = unary(stubs.users, 'GetMe', {}, `Bearer ${adminPair.refresh_token}`);
    await expectFailure(call, grpc.status.UNAUTHENTICATED, 'TOKEN_INVALID');
  });

  it('wrong password → UNAUTHENTICATED, INVALID_CREDENTIALS', async () => {
    const call = unary(stubs.auth, 'Login', { email: admin.email, password: 'wrong password' });
    await expectFailure(call, grpc.status.UNAUTHENTICATED, 'INVALID_CREDENTIALS');
  });

  it('missing field → INVALID_ARGUMENT', async () => {
    await expectFailure(
      unary(stubs.auth, 'Login', { email: admin.email }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_ARGUMENT',
    );
  });

  it('an agent calling CreateUser → PERMISSION_DENIED, INSUFFICIENT_PERMISSIONS', async () => {
    const pair = await unary<TokenPair>(stubs.auth, 'Login', { email: agent.email, password: PASSWORD });
    const call = unary(
      stubs.users,
      'CreateUser',
      { email: 'no@grpc.test', password: 'not allowed' },
      `Bearer ${pair.access_token}`,
    );
    await expectFailure(call, grpc.status.PERMISSION_DENIED, 'INSUFFICIENT_PERMISSIONS');
  });
});

it('too many wrong passwords → RESOURCE_EXHAUSTED, RATE_LIMITED, with retry-after', async () => {
  const email = 'locked@grpc.test';
  await server.createUser({ email, password: PASSWORD, org: 'grpc' });
  for (let attempt = 1; attempt <= 10; attempt++) {
    const call = unary(stubs.auth, 'Login', { email, password: `wrong ${attempt}` });
    await expectFailure(call, grpc.status.UNAUTHENTICATED, 'INVALID_CREDENTIALS');
  }
  const limited = await failureOf(unary(stubs.auth, 'Login', { email, password: PASSWORD }));
  expect(limited.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  expect(errorInfoOf(limited)).toMatchObject({ reason: 'RATE_LIMITED', domain: DOMAIN });
  expect(limited.metadata.get('retry-after')).toEqual([expect.stringMatching(/^[1-9]\d*$/)]);
});

describe('grpc.health.v1.Health', () => {
  it('Check answers SERVING without credentials, for the server and for a service', async () => {
    expect(await unary(stubs.health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await unary(stubs.health, 'Check', { service: 'semaswift.auth.v1.AuthService' })).toEqual({
      status: 'SERVING',
    });
    const unknown = await failureOf(unary(stubs.health, 'Check', { service: 'no.such.Service' }));
    expect(unknown.code).toBe(grpc.status.NOT_FOUND);
  });
});
