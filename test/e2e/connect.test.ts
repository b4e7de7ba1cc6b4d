import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorInfoSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { AuthService } from '../../src/gen/semaswift/auth/v1/auth_service_pb.js';
import { UserService } from '../../src/gen/semaswift/auth/v1/user_service_pb.js';
import { type CreatedUser, startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'connect password!';

let server: TestServer;
let admin: CreatedUser;
let agent: CreatedUser;
const sessions: Http2SessionManager[] = [];

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent] = await Promise.all([
    server.createUser({ email: 'admin@connect.test', password: PASSWORD, org: 'connect', roles: ['admin'] }),
    server.createUser({ email: 'agent@connect.test', password: PASSWORD, org: 'connect', roles: ['agent'] }),
  ]);
});

afterAll(async () => {
  for (const session of sessions) session.abort();
  await server?.stop();
});

const transports: Array<[string, (baseUrl: string) => Transport]> = [
  ['Connect over HTTP/1.1', (baseUrl) => createConnectTransport({ baseUrl, httpVersion: '1.1' })],
  ['gRPC-Web over HTTP/1.1', (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: '1.1' })],
  [
    'gRPC over HTTP/2',
    (baseUrl) => {
      const sessionManager = new Http2SessionManager(baseUrl);
      sessions.push(sessionManager);
      return createGrpcTransport({ baseUrl, sessionManager });
    },
  ],
];

/** The ConnectError a call failed with, its code and its ErrorInfo reason. */
async function failure(call: Promise<unknown>): Promise<{ code: Code; reasons: string[] }> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    return {
      code: connectError.code,
      reasons: connectError.findDetails(ErrorInfoSchema).map((d) => d.reason),
    };
  }
  throw new Error('the call succeeded');
}

describe.each(transports)('%s', (_name, makeTransport) => {
  let auth: ReturnType<typeof createClient<typeof AuthService>>;
  let users: ReturnType<typeof createClient<typeof UserService>>;
  beforeAll(() => {
    const transport = makeTransport(server.baseUrl);
    auth = createClient(AuthService, transport);
    users = createClient(UserService, transport);
  });

  it('Login answers the token pair; GetMe answers the caller of the authorization header', async () => {
    const pair = await auth.login({ email: admin.email, password: PASSWORD });
    expect(pair).toMatchObject({
      accessToken: expect.stringMatching(/^eyJhbGciOiJSUzI1NiIs/),
      refreshToken: expect.stringMatching(/^eyJhbGciOiJSUzI1NiIs/),
      tokenType: 'Bearer',
      expiresIn: 3600,
    });
    const me = await users.getMe({}, { headers: { authorization: `Bearer ${pair.accessToken}` } });
    expect(me).toMatchObject({ id: admin.id, email: admin.email, organizationId: admin.organization_id });
    expect(me.roles).toEqual(['admin']);
  });

  it('no credential: Unauthenticated, TOKEN_INVALID', async () => {
    expect(await failure(users.getMe({}))).toEqual({
      code: Code.Unauthenticated,
      reasons: ['TOKEN_INVALID'],
    });
  });

  it('wrong password: Unauthenticated, INVALID_CREDENTIALS', async () => {
    const call = auth.login({ email: admin.email, password: 'not the password' });
    expect(await failure(call)).toEqual({ code: Code.Unauthenticated, reasons: ['INVALID_CREDENTIALS'] });
  });

  it('missing field: InvalidArgument, INVALID_ARGUMENT', async () => {
    const call = auth.login({ email: admin.email });
    expect(await failure(call)).toEqual({ code: Code.InvalidArgument, reasons: ['INVALID_ARGUMENT'] });
  });

  it('an agent creating a user: PermissionDenied, INSUFFICIENT_PERMISSIONS', async () => {
    const pair = await auth.login({ email: agent.email, password: PASSWORD });
    const call = users.createUser(
      { email: 'nope@connect.test', password: 'not allowed at all' },
      { headers: { authorization: `Bearer ${pair.accessToken}` } },
    );
    expect(await failure(call)).toEqual({
      code: Code.PermissionDenied,
      reasons: ['INSUFFICIENT_PERMISSIONS'],
    });
  });
});

it('Connect refuses a credential in the URL, even beside a valid header', async () => {
  const auth = createClient(
    AuthService,
    createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '1.1' }),
  );
  const { accessToken } = await auth.login({ email: admin.email, password: PASSWORD });
  if (!accessToken) throw new Error('login answered no access token');
  const url = new URL('/semaswift.auth.v1.UserService/GetMe', server.baseUrl);
  url.searchParams.set('access_token', accessToken);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: '{}',
  });
  expect(response.status).toBe(401);
  expect(((await response.json()) as { code: string }).code).toBe('unauthenticated');
});
