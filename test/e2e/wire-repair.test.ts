import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorInfoOf, failureOf, type GrpcStubs, grpc, grpcStubs, unary } from '../support/grpc-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'wire password 1';
const GARBAGE = Buffer.from([0xff, 0xff, 0xff]);

let server: TestServer;
let stubs: GrpcStubs;
let jwt: string;

beforeAll(async () => {
  server = await startTestServer();
  stubs = grpcStubs(server.port);
  await server.createUser({ email: 'wire@example.com', password: PASSWORD, org: 'wire', roles: ['admin'] });
  jwt = (await server.login('wire@example.com', PASSWORD)).access_token;
});
afterAll(async () => {
  stubs?.close();
  await server?.stop();
});

/** One raw gRPC call over h2c: a length-prefixed frame of `message`, answered headers and trailers. */
function rawGrpc(path: string, message: Buffer, headers: Record<string, string> = {}) {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return new Promise<{ status: number; trailers: Record<string, unknown> }>((resolve, reject) => {
    const session = connect(server.baseUrl);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let status = 0;
    let trailers: Record<string, unknown> = {};
    stream.on('response', (h) => {
      status = Number(h[':status']);
      // A trailers-only answer carries the status in the headers.
      if (h['grpc-status'] !== undefined) trailers = h;
    });
    stream.on('trailers', (t) => {
      trailers = t;
    });
    stream.on('data', () => {});
    stream.on('end', () => {
      session.close();
      resolve({ status, trailers });
    });
    stream.on('error', reject);
    stream.end(frame);
  });
}

describe('undecodable request messages', () => {
  it('are INVALID_ARGUMENT (400) on Connect, with ErrorInfo, never a 500', async () => {
    const response = await fetch(new URL('/semaswift.auth.v1.AuthService/Login', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/proto' },
      body: GARBAGE,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; details?: Array<{ type: string }> };
    expect(body.code).toBe('invalid_argument');
    expect(body.details?.map((d) => d.type)).toContain('google.rpc.ErrorInfo');
  });

  it('are INVALID_ARGUMENT on gRPC, with ErrorInfo', async () => {
    const { status, trailers } = await rawGrpc('/semaswift.auth.v1.AuthService/Login', GARBAGE);
    expect(status).toBe(200);
    expect(trailers['grpc-status']).toBe('3');
    expect(trailers['grpc-status-details-bin']).toBeDefined();
  });

  it('are not even read before the credential is checked', async () => {
    const { trailers } = await rawGrpc('/semaswift.auth.v1.UserService/GetMe', GARBAGE);
    expect(trailers['grpc-status']).toBe('16');
    const connectCall = await fetch(new URL('/semaswift.auth.v1.PatService/CreatePat', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{bad',
    });
    expect(connectCall.status).toBe(401);
    // With a credential, the same body is the caller's mistake.
    const authorized = await fetch(new URL('/semaswift.auth.v1.PatService/CreatePat', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      body: '{bad',
    });
    expect(authorized.status).toBe(400);
  });
});

describe('JSON bodies Connect cannot decode', () => {
  it('are INVALID_ARGUMENT with ErrorInfo, naming the field and never quoting the value', async () => {
    for (const body of ['{"email":"a@example.com","password":["hunter2-secret"]}', '{bad']) {
      const response = await fetch(new URL('/semaswift.auth.v1.AuthService/Login', server.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      const error = (await response.json()) as {
        code: string;
        message: string;
        details?: Array<{ type: string }>;
      };
      expect(error.code).toBe('invalid_argument');
      expect(error.details?.map((d) => d.type)).toContain('google.rpc.ErrorInfo');
      expect(error.message).not.toContain('hunter2');
    }
  });
});

describe('a method we do not have', () => {
  it('is UNIMPLEMENTED to a gRPC client, not an HTTP 404', async () => {
    const { status, trailers } = await rawGrpc('/semaswift.auth.v1.AuthService/Nope', Buffer.alloc(0));
    expect(status).toBe(200);
    expect(trailers['grpc-status']).toBe('12');
    const error = await failureOf(
      new Promise((resolve, reject) =>
        stubs.auth.makeUnaryRequest(
          '/semaswift.auth.v1.AuthService/Nope',
          (x: Buffer) => x,
          (x: Buffer) => x,
          Buffer.alloc(0),
          (e, r) => (e ? reject(e) : resolve(r)),
        ),
      ),
    );
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe('grpc-message', () => {
  it('reaches @grpc/grpc-js clients as written, punctuation included', async () => {
    const error = await failureOf(unary(stubs.users, 'GetMe', {}));
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.details).toBe('A credential is required: Authorization: Bearer or X-API-Key.');
    expect(errorInfoOf(error)?.reason).toBe('TOKEN_INVALID');
  });

  it('escapes what the gRPC spec escapes: bytes outside printable ASCII, and %', async () => {
    const { trailers } = await rawGrpc('/semaswift.auth.v1.UserService/GetMe', Buffer.alloc(0), {
      authorization: 'Bearer not-a-jwt',
    });
    const message = String(trailers['grpc-message']);
    expect(message).not.toMatch(/%3A|%2C|%20/);
    expect(message).toMatch(/^[\x20-\x7e]*$/);
  });
});
