import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema, OpenApiDocument } from '../../src/rest/openapi.ts';
import { api, expectError } from '../support/http.ts';
import { startTestServer, TEST_ISSUER, type TestServer } from '../support/test-server.ts';

const EMAIL = 'openapi@example.com';
const PASSWORD = 'openapi-password-1';
let server: TestServer;
let doc: OpenApiDocument;
let headers: Headers;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser({ email: EMAIL, password: PASSWORD, org: 'openapi' });
  const response = await fetch(new URL('/api/v1/openapi.json', server.baseUrl));
  expect(response.status).toBe(200);
  headers = response.headers;
  doc = (await response.json()) as OpenApiDocument;
});
afterAll(() => server?.stop());

const component = (ref: unknown): JsonSchema => {
  const name = String((ref as { $ref: string }).$ref).replace('#/components/schemas/', '');
  return doc.components.schemas[name] as JsonSchema;
};
const jsonSchemaIn = (holder: unknown): JsonSchema =>
  (holder as { content: Record<string, { schema: JsonSchema }> }).content['application/json']
    ?.schema as JsonSchema;

describe('GET /api/v1/openapi.json', () => {
  it('is public JSON that caches for five minutes, with the issuer as server', () => {
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('cache-control')).toBe('public, max-age=300');
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Semaswift Auth');
    expect(doc.servers).toEqual([{ url: TEST_ISSUER }]);
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const head = await fetch(new URL('/api/v1/openapi.json', server.baseUrl), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await api(server.baseUrl, '/api/v1/openapi.json', { json: {} });
    expectError(post, 405, 'METHOD_NOT_ALLOWED');
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('documents only routes the server serves', async () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const verb of Object.keys(operations)) {
        const response = await api(server.baseUrl, path.replace(/\{[^}]+\}/g, 'x'), {
          method: verb.toUpperCase(),
          ...(verb === 'get' || verb === 'delete' ? {} : { json: {} }),
        });
        expect([404, 405], `${verb} ${path}`).not.toContain(response.status);
      }
    }
  });

  it('describes login as it is: a body of the documented fields answers the documented keys', async () => {
    const login = doc.paths['/api/v1/auth/login']?.post;
    expect(login?.security).toEqual([]);
    const values: Record<string, string> = { email: EMAIL, password: PASSWORD };
    const fields = Object.keys(jsonSchemaIn(login?.requestBody).properties as object);
    expect(fields.sort()).toEqual(Object.keys(values).sort());
    const body = Object.fromEntries(fields.map((name) => [name, values[name]]));

    const response = await api(server.baseUrl, '/api/v1/auth/login', { json: body });
    expect(response.status).toBe(200);
    const answer = component(jsonSchemaIn(login?.responses['200']));
    const documented = Object.keys(answer.properties as object);
    const keys = Object.keys(response.body);
    expect(keys.every((key) => documented.includes(key))).toBe(true);
    expect(keys).toEqual(expect.arrayContaining(answer.required as string[]));
    // LoginResponse is the token pair or the MFA challenge; a user without MFA gets the pair.
    expect(new Set(keys)).toEqual(new Set(documented.filter((name) => !name.startsWith('mfa_'))));
    expect(typeof response.body.expires_in).toBe('number');
    expect((answer.properties as Record<string, JsonSchema>).expires_in?.type).toBe('integer');
  });
});
