import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { activeSigningKey, signAccessToken } from '../support/tokens.ts';
import { createCheckClient, envoyCheckRequest, headersOf } from './check-client.ts';

const PASSWORD = 'ext-authz-password-1';

/**
 * One gRPC call written by hand over node:http2, so its message can be bytes no gRPC client
 * would send; answers the grpc-status, from the trailers or a trailers-only response.
 */
async function rawGrpcStatus(port: number, path: string, message: Uint8Array): Promise<string | undefined> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    // Length-prefixed message: no compression flag, 4-byte big-endian length.
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    stream.end(frame);
    return await new Promise((resolve, reject) => {
      let status: string | undefined;
      const read = (headers: Record<string, unknown>) => {
        if (typeof headers['grpc-status'] === 'string') status = headers['grpc-status'];
      };
      stream.on('response', read);
      stream.on('trailers', read);
      stream.on('error', reject);
      stream.on('close', () => resolve(status));
      stream.resume();
    });
  } finally {
    session.close();
  }
}
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('ext_authz gRPC Check', () => {
  let server: TestServer;
  let client: ReturnType<typeof createCheckClient>;
  let jwt: string;
  let agentJwt: string;
  let pat: string;
  let patId: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    client = createCheckClient(server.extAuthzPort);
    const admin = await server.createUser({
      email: 'ea-admin@example.com',
      password: PASSWORD,
      org: 'ea',
      roles: ['admin'],
    });
    await server.createUser({
      email: 'ea-agent@example.com',
      password: PASSWORD,
      org: 'ea',
      roles: ['agent'],
    });
    userId = admin.id;
    jwt = (await server.login('ea-admin@example.com', PASSWORD)).access_token;
    agentJwt = (await server.login('ea-agent@example.com', PASSWORD)).access_token;
    const created = await api<{ token: string; id: string }>(server.baseUrl, '/api/v1/pats', {
      token: jwt,
      json: { name: 'sidecar', expires_at: inAWeek(), permissions: ['user:read', 'ticket:read'] },
    });
    pat = created.body.token;
    patId = created.body.id;
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('allows a JWT, overwriting identity headers and passing the token through', async () => {
    const response = await client.check(
      envoyCheckRequest({ headers: { authorization: `Bearer ${jwt}`, 'x-semaswift-user-id': 'usr_forged' } }),
    );
    expect(response.status?.code).toBe(0);
    expect(response.httpResponse.case).toBe('okResponse');
    expect(headersOf(response)).toEqual({
      'x-semaswift-user-id': userId,
      'x-semaswift-org-id': expect.stringMatching(/^org_/),
      'x-semaswift-roles': 'admin',
      'x-semaswift-permissions': 'user:read,user:write,ticket:read,ticket:write,pat:read,pat:write',
      'x-semaswift-auth-method': 'jwt',
    });
    const ok = response.httpResponse.case === 'okResponse' ? response.httpResponse.value : undefined;
    expect(ok?.headers.every((h) => h.appendAction === 2)).toBe(true);
    expect(ok?.headersToRemove).toEqual([]);
    expect(response.dynamicMetadata).toMatchObject({ user_id: userId, auth_method: 'jwt' });
  });

  it.each(['x-api-key', 'authorization'])('allows a PAT in %s and removes it upstream', async (header) => {
    const value = header === 'authorization' ? `Bearer ${pat}` : pat;
    const response = await client.check(
      envoyCheckRequest({ headers: { [header]: value, 'x-semaswift-extra': '1' } }),
    );
    expect(response.status?.code).toBe(0);
    expect(headersOf(response)['x-semaswift-auth-method']).toBe('pat');
    expect(headersOf(response)['x-semaswift-permissions']).toBe('user:read,ticket:read');
    const ok = response.httpResponse.case === 'okResponse' ? response.httpResponse.value : undefined;
    expect(ok?.headersToRemove).toEqual(expect.arrayContaining([header, 'x-semaswift-extra']));
    expect(response.dynamicMetadata).toMatchObject({ auth_method: 'pat', pat_id: patId });
  });

  it('denies a request without a credential with 401, the JSON error and WWW-Authenticate', async () => {
    const response = await client.check(envoyCheckRequest({}));
    expect(response.status?.code).toBe(16);
    expect(response.httpResponse.case).toBe('deniedResponse');
    const denied = response.httpResponse.case === 'deniedResponse' ? response.httpResponse.value : undefined;
    expect(denied?.status?.code).toBe(401);
    expect(JSON.parse(denied?.body ?? '')).toEqual({
      error: { code: 'TOKEN_INVALID', message: expect.any(String) },
    });
    expect(headersOf(response)).toMatchObject({
      'content-type': 'application/json',
      'www-authenticate': expect.stringMatching(/^Bearer/),
    });
  });

  it('denies expired and tampered JWTs', async () => {
    const key = activeSigningKey(server.dbPath);
    const subject = { sub: userId, organization_id: 'org_x', roles: ['admin'], permissions: ['user:read'] };
    const expired = await signAccessToken(key, subject, {
      claims: { exp: Math.floor(Date.now() / 1000) - 60 },
    });
    const expiredResponse = await client.check(
      envoyCheckRequest({ headers: { authorization: `Bearer ${expired}` } }),
    );
    const denied =
      expiredResponse.httpResponse.case === 'deniedResponse' ? expiredResponse.httpResponse.value : undefined;
    expect(JSON.parse(denied?.body ?? '{}').error.code).toBe('TOKEN_EXPIRED');

    const [h, p, s] = jwt.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p ?? '', 'base64url').toString()), roles: ['root'] })).toString('base64url')}.${s}`;
    const tamperedResponse = await client.check(
      envoyCheckRequest({ headers: { authorization: `Bearer ${tampered}` } }),
    );
    expect(tamperedResponse.status?.code).toBe(16);
  });

  it('refuses a credential in the query string', async () => {
    const response = await client.check(
      envoyCheckRequest({
        path: `/api/tickets?access_token=${jwt}`,
        headers: { authorization: `Bearer ${jwt}` },
      }),
    );
    expect(response.status?.code).toBe(16);
  });

  it('enforces required_permissions from context_extensions with 403', async () => {
    const allowed = await client.check(
      envoyCheckRequest({
        headers: { authorization: `Bearer ${agentJwt}` },
        contextExtensions: { required_permissions: 'ticket:read, ticket:write' },
      }),
    );
    expect(allowed.status?.code).toBe(0);
    const denied = await client.check(
      envoyCheckRequest({
        headers: { authorization: `Bearer ${agentJwt}` },
        contextExtensions: { required_permissions: 'ticket:read,user:write' },
      }),
    );
    expect(denied.status?.code).toBe(7);
    const body = denied.httpResponse.case === 'deniedResponse' ? denied.httpResponse.value : undefined;
    expect(body?.status?.code).toBe(403);
    expect(JSON.parse(body?.body ?? '{}').error.code).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('honours allow_pat=false and audience, and ignores unknown keys', async () => {
    const noPat = await client.check(
      envoyCheckRequest({ headers: { 'x-api-key': pat }, contextExtensions: { allow_pat: 'false' } }),
    );
    expect(noPat.status?.code).toBe(7);
    const jwtOnPatFree = await client.check(
      envoyCheckRequest({
        headers: { authorization: `Bearer ${jwt}` },
        contextExtensions: { allow_pat: 'false', team: 'x' },
      }),
    );
    expect(jwtOnPatFree.status?.code).toBe(0);
    const ourAudience = await client.check(
      envoyCheckRequest({
        headers: { authorization: `Bearer ${jwt}` },
        contextExtensions: { audience: 'semaswift-api' },
      }),
    );
    expect(ourAudience.status?.code).toBe(0);
    const otherAudience = await client.check(
      envoyCheckRequest({
        headers: { authorization: `Bearer ${jwt}` },
        contextExtensions: { audience: 'billing-api' },
      }),
    );
    expect(otherAudience.status?.code).toBe(7);
  });

  it.each(['false', 'FALSE', '0', 'no', 'off', 'flase', '', ' '])(
    'refuses PATs when allow_pat is %j (only "true" allows them)',
    async (value) => {
      const pat403 = await client.check(
        envoyCheckRequest({ headers: { 'x-api-key': pat }, contextExtensions: { allow_pat: value } }),
      );
      expect(pat403.status?.code).toBe(7);
      const withJwt = await client.check(
        envoyCheckRequest({
          headers: { authorization: `Bearer ${jwt}` },
          contextExtensions: { allow_pat: value },
        }),
      );
      expect(withJwt.status?.code).toBe(0);
    },
  );

  it.each(['true', 'TRUE', ' True '])('allows PATs when allow_pat is %j', async (value) => {
    const response = await client.check(
      envoyCheckRequest({ headers: { 'x-api-key': pat }, contextExtensions: { allow_pat: value } }),
    );
    expect(response.status?.code).toBe(0);
  });

  it.each([['/envoy.service.auth.v3.Authorization/Check'], ['/grpc.health.v1.Health/Check']])(
    'answers INVALID_ARGUMENT to %s with a message that is not protobuf',
    async (path) => {
      expect(await rawGrpcStatus(server.extAuthzPort, path, new Uint8Array([0xff, 0xff, 0xff]))).toBe('3');
      // The same hand-written call with a valid (empty) message gets an answer, and the port still serves.
      expect(await rawGrpcStatus(server.extAuthzPort, path, new Uint8Array())).toBe('0');
      expect(
        (await client.check(envoyCheckRequest({ headers: { authorization: `Bearer ${jwt}` } }))).status?.code,
      ).toBe(0);
    },
  );

  it('refuses a revoked PAT at once', async () => {
    const created = await api<{ token: string; id: string }>(server.baseUrl, '/api/v1/pats', {
      token: jwt,
      json: { name: 'short-lived', expires_at: inAWeek() },
    });
    const request = envoyCheckRequest({ headers: { 'x-api-key': created.body.token } });
    expect((await client.check(request)).status?.code).toBe(0);
    const revoked = await api(server.baseUrl, `/api/v1/pats/${created.body.id}`, {
      method: 'DELETE',
      token: jwt,
    });
    expect(revoked.status).toBe(200);
    expect((await client.check(request)).status?.code).toBe(16);
  });

  it('refuses a PAT with one character changed before any lookup', async () => {
    const last = pat.at(-1) === 'a' ? 'b' : 'a';
    const response = await client.check(
      envoyCheckRequest({ headers: { 'x-api-key': `${pat.slice(0, -1)}${last}` } }),
    );
    expect(response.status?.code).toBe(16);
  });
});

describe('ext_authz with encode_raw_headers (header_map)', () => {
  let server: TestServer;
  let client: ReturnType<typeof createCheckClient>;
  beforeAll(async () => {
    server = await startTestServer();
    client = createCheckClient(server.extAuthzPort);
    await server.createUser({ email: 'raw@example.com', password: PASSWORD, org: 'raw' });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('reads credentials from header_map with byte values', async () => {
    const jwt = (await server.login('raw@example.com', PASSWORD)).access_token;
    const request = envoyCheckRequest({});
    const http = request.attributes?.request?.http;
    if (!http) throw new Error('no http attributes');
    http.headers = {};
    http.headerMap = {
      $typeName: 'envoy.config.core.v3.HeaderMap',
      headers: [
        {
          $typeName: 'envoy.config.core.v3.HeaderValue',
          key: ':path',
          value: '',
          rawValue: new TextEncoder().encode('/api/tickets'),
        },
        {
          $typeName: 'envoy.config.core.v3.HeaderValue',
          key: 'authorization',
          value: '',
          rawValue: new TextEncoder().encode(`Bearer ${jwt}`),
        },
      ],
    };
    expect((await client.check(request)).status?.code).toBe(0);
    http.headerMap.headers = http.headerMap.headers.slice(0, 1);
    expect((await client.check(request)).status?.code).toBe(16);
  });

  it('refuses Authorization sent twice, whichever comes first', async () => {
    const jwt = (await server.login('raw@example.com', PASSWORD)).access_token;
    const header = (value: string) => ({
      $typeName: 'envoy.config.core.v3.HeaderValue' as const,
      key: 'authorization',
      value: '',
      rawValue: new TextEncoder().encode(value),
    });
    for (const values of [
      [`Bearer ${jwt}`, 'Bearer junk'],
      ['Bearer junk', `Bearer ${jwt}`],
    ]) {
      const request = envoyCheckRequest({});
      const http = request.attributes?.request?.http;
      if (!http) throw new Error('no http attributes');
      http.headers = {};
      http.headerMap = { $typeName: 'envoy.config.core.v3.HeaderMap', headers: values.map(header) };
      expect((await client.check(request)).status?.code).toBe(16);
    }
  });
});
