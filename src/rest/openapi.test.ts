import { create, createFileRegistry, type DescFile, setExtension } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
  MethodOptionsSchema,
} from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors/auth-error.ts';
import { file_google_api_annotations, http } from '../gen/google/api/annotations_pb.js';
import { HttpRuleSchema } from '../gen/google/api/http_pb.js';
import { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import { HealthService } from '../gen/semaswift/auth/v1/health_service_pb.js';
import {
  AccessRuleSchema,
  access,
  file_semaswift_auth_v1_options,
} from '../gen/semaswift/auth/v1/options_pb.js';
import { PatService } from '../gen/semaswift/auth/v1/pat_service_pb.js';
import { TokenService } from '../gen/semaswift/auth/v1/token_service_pb.js';
import { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';
import { delegatedAccess } from '../oauth/delegated-access.ts';
import { restRoutesOf } from './http-rules.ts';
import { type JsonSchema, type OpenApiDocument, openApiDocument } from './openapi.ts';

const SERVICES = [AuthService, TokenService, UserService, PatService, HealthService];
const OPTIONS = { version: '9.9.9', issuer: 'https://auth.example.test', delegatedAccess };
const routes = restRoutesOf(SERVICES);
const doc = openApiDocument(routes, OPTIONS);

const openApiPath = (source: string) => source.replace(/\{([\w.]+)(=\*\*?)?\}/g, '{$1}');
const operation = (document: OpenApiDocument, verb: string, path: string) => {
  const found = document.paths[path]?.[verb];
  if (!found) throw new Error(`${verb} ${path} is not documented`);
  return found;
};
const schemaOf = (document: OpenApiDocument, ref: unknown): JsonSchema => {
  const name = String((ref as { $ref: string }).$ref).replace('#/components/schemas/', '');
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`no component ${name}`);
  return schema;
};
const responseSchema = (document: OpenApiDocument, verb: string, path: string) =>
  schemaOf(
    document,
    (operation(document, verb, path).responses['200'] as { content: Record<string, { schema: unknown }> })
      .content['application/json']?.schema,
  );
const requestSchema = (document: OpenApiDocument, verb: string, path: string) =>
  (operation(document, verb, path).requestBody as { content: Record<string, { schema: JsonSchema }> })
    .content['application/json']?.schema as JsonSchema;
const properties = (schema: JsonSchema) => schema.properties as Record<string, JsonSchema>;

describe('the OpenAPI document', () => {
  it('describes every REST route with its method, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((verb) => `${verb.toUpperCase()} ${path}`),
    );
    const served = routes.map((r) => `${r.httpMethod} ${openApiPath(r.template.source)}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toHaveLength(served.length);
    for (const route of routes) {
      const op = operation(doc, route.httpMethod.toLowerCase(), openApiPath(route.template.source));
      expect(op.operationId).toBe(`${route.service.name}.${route.method.name}`);
    }
  });

  it('names the API, its version and the issuer as the server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Semaswift Auth', version: '9.9.9' });
    expect(doc.servers).toEqual([{ url: 'https://auth.example.test' }]);
  });

  it('uses proto field names and proto3 JSON types', () => {
    const login = requestSchema(doc, 'post', '/api/v1/auth/login');
    expect(Object.keys(properties(login))).toEqual(['email', 'password']);
    const tokens = responseSchema(doc, 'post', '/api/v1/auth/refresh');
    expect(properties(tokens)).toMatchObject({
      access_token: { type: 'string' },
      refresh_token: { type: 'string' },
      token_type: { type: 'string' },
      expires_in: { type: 'integer' },
    });
    expect(tokens.required).toEqual(['access_token', 'refresh_token', 'token_type', 'expires_in']);
    const health = responseSchema(doc, 'get', '/api/v1/health');
    expect(properties(health).status).toMatchObject({
      type: 'string',
      enum: expect.arrayContaining(['SERVING']),
    });
    // Optional and omit_empty fields are left out of answers when unset.
    expect(responseSchema(doc, 'post', '/api/v1/auth/login').required).toEqual([]);
  });

  it('writes timestamps as date-times, null in answers when unset, and refs nested messages', () => {
    const list = responseSchema(doc, 'get', '/api/v1/pats');
    expect(properties(list).pats).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/semaswift.auth.v1.Pat' },
    });
    const pat = schemaOf(doc, { $ref: '#/components/schemas/semaswift.auth.v1.Pat' });
    expect(properties(pat).last_used_at).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(pat.required).toContain('last_used_at');
    const create = requestSchema(doc, 'post', '/api/v1/pats');
    expect(properties(create).expires_at).toEqual({ type: 'string', format: 'date-time' });
    // request-checks.ts refuses `[]` for a repeated field.
    expect(properties(create).permissions).toMatchObject({ type: 'array', minItems: 1 });
  });

  it('takes path variables out of the body and query parameters from top-level scalars', () => {
    const disable = operation(doc, 'post', '/api/v1/auth/mfa/{method}/disable');
    expect(disable.parameters).toEqual([
      { name: 'method', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(Object.keys(properties(requestSchema(doc, 'post', '/api/v1/auth/mfa/{method}/disable')))).toEqual([
      'password',
      'code',
      'code_method',
    ]);
    expect(operation(doc, 'get', '/api/v1/pats').parameters).toEqual([
      { name: 'organization', in: 'query', schema: { type: 'boolean' } },
    ]);
    expect(operation(doc, 'delete', '/api/v1/pats/{id}').parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  it('states who may call: public routes need nothing, the others a credential and their permissions', () => {
    const login = operation(doc, 'post', '/api/v1/auth/login');
    expect(login.security).toEqual([]);
    expect(login.description).toMatch(/^Public/);
    expect(login.responses['403']).toBeUndefined();

    const listUsers = operation(doc, 'get', '/api/v1/users');
    expect(listUsers.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(listUsers['x-semaswift-permissions']).toEqual(['user:read']);
    expect(listUsers.description).toContain('user:read');

    // Open to any credential by its access option; OAuth tokens need pat:write (the guard's rule).
    const createPat = operation(doc, 'post', '/api/v1/pats');
    expect(createPat['x-semaswift-permissions']).toEqual([]);
    expect(createPat['x-semaswift-oauth-permissions']).toEqual(['pat:write']);
    expect(createPat.description).toContain('pat:write');

    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  it('documents the contract error shape on 400, 401, 403 and 429', () => {
    const error = doc.components.schemas.Error as JsonSchema;
    const inner = properties(error).error as JsonSchema;
    expect(inner.required).toEqual(['code', 'message']);
    expect(properties(inner).code?.enum).toEqual([...ERROR_CODES]);
    const ops = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    for (const op of ops) {
      for (const status of ['400', '401', '429', 'default']) expect(op.responses[status]).toBeDefined();
      if (op.security.length > 0) expect(op.responses['403']).toBeDefined();
    }
    expect(doc.components.responses.Unauthorized).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
  });

  it('documents a newly annotated RPC with no other change', () => {
    const service = widgetService();
    const widgetDoc = openApiDocument(restRoutesOf([service]), OPTIONS);
    const get = operation(widgetDoc, 'get', '/api/v1/widgets/{widget_id}');
    expect(get).toMatchObject({
      operationId: 'WidgetService.GetWidget',
      security: [{ bearerAuth: [] }, { apiKey: [] }],
      'x-semaswift-permissions': ['widget:read'],
    });
    expect(get.parameters).toEqual([
      { name: 'widget_id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
    ]);
    const widget = responseSchema(widgetDoc, 'get', '/api/v1/widgets/{widget_id}');
    expect(properties(widget)).toEqual({
      widget_id: { type: 'string' },
      size_bytes: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' },
      made_at: { type: ['string', 'null'], format: 'date-time' },
      parts: { type: 'array', items: { $ref: '#/components/schemas/test.v1.Widget' } },
    });
  });
});

/** A service that exists only here, built the way protoc would describe it. */
function widgetService() {
  const { STRING, INT64, BOOL, MESSAGE } = FieldDescriptorProto_Type;
  const { OPTIONAL, REPEATED } = FieldDescriptorProto_Label;
  const options = create(MethodOptionsSchema);
  setExtension(
    options,
    http,
    create(HttpRuleSchema, { pattern: { case: 'get', value: '/api/v1/widgets/{widget_id}' } }),
  );
  setExtension(options, access, create(AccessRuleSchema, { permissions: ['widget:read'] }));
  const file = create(FileDescriptorProtoSchema, {
    name: 'test/v1/widget.proto',
    package: 'test.v1',
    syntax: 'proto3',
    dependency: [
      'google/api/annotations.proto',
      'google/protobuf/timestamp.proto',
      'semaswift/auth/v1/options.proto',
    ],
    messageType: [
      {
        name: 'GetWidgetRequest',
        field: [
          { name: 'widget_id', number: 1, type: STRING, label: OPTIONAL, jsonName: 'widgetId' },
          { name: 'verbose', number: 2, type: BOOL, label: OPTIONAL, jsonName: 'verbose' },
        ],
      },
      {
        name: 'Widget',
        field: [
          { name: 'widget_id', number: 1, type: STRING, label: OPTIONAL, jsonName: 'widgetId' },
          { name: 'size_bytes', number: 2, type: INT64, label: OPTIONAL, jsonName: 'sizeBytes' },
          {
            name: 'made_at',
            number: 3,
            type: MESSAGE,
            typeName: '.google.protobuf.Timestamp',
            label: OPTIONAL,
            jsonName: 'madeAt',
          },
          {
            name: 'parts',
            number: 4,
            type: MESSAGE,
            typeName: '.test.v1.Widget',
            label: REPEATED,
            jsonName: 'parts',
          },
        ],
      },
    ],
    service: [
      {
        name: 'WidgetService',
        method: [
          {
            name: 'GetWidget',
            inputType: '.test.v1.GetWidgetRequest',
            outputType: '.test.v1.Widget',
            options,
          },
        ],
      },
    ],
  });
  const imports: Record<string, DescFile> = {
    'google/api/annotations.proto': file_google_api_annotations,
    'google/protobuf/timestamp.proto': file_google_protobuf_timestamp,
    'semaswift/auth/v1/options.proto': file_semaswift_auth_v1_options,
  };
  const registry = createFileRegistry(file, (name) => imports[name]);
  const service = registry.getService('test.v1.WidgetService');
  if (!service) throw new Error('the test service did not build');
  return service;
}
