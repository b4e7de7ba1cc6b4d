import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescMethod,
  ScalarType,
} from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import { ERROR_CODES, type ErrorCode } from '../errors/auth-error.ts';
import { httpStatusOf } from '../errors/error-mapping.ts';
import { declaredAccessRule } from '../principal/access-policy.ts';
import type { RestRoute } from './http-rules.ts';
import { omitsWhenEmpty } from './json-view.ts';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** One operation of the document; only what this service fills in is typed. */
export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  description: string;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  security: Array<Record<string, string[]>>;
  'x-semaswift-permissions'?: string[];
  'x-semaswift-oauth-permissions'?: string[];
}

/** The OpenAPI 3.1 document of the REST API. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

export interface OpenApiOptions {
  /** The package's version: `info.version`. */
  version: string;
  /** The configured issuer, the API's base URL: the one entry of `servers`. */
  issuer: string;
  /**
   * The call guard's rule for OAuth access tokens on RPCs open to any credential (see
   * access-policy.ts): the permissions such a token needs, or undefined when it is refused.
   */
  delegatedAccess?: (method: DescMethod) => readonly string[] | undefined;
}

const TIMESTAMP = 'google.protobuf.Timestamp';
const ERROR_SCHEMA = 'Error';
const CREDENTIALS: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKey: [] }];

/** The error statuses of every operation (403 only where a credential is checked), as components. */
const ERROR_RESPONSES: ReadonlyArray<{ status: number; name: string; what: string }> = [
  { status: 400, name: 'BadRequest', what: 'The request is malformed or a field is invalid.' },
  { status: 401, name: 'Unauthorized', what: 'The credential is missing, wrong, expired or revoked.' },
  { status: 403, name: 'Forbidden', what: 'The credential lacks a permission this call needs.' },
  { status: 429, name: 'RateLimited', what: 'Too many attempts; retry after `Retry-After` seconds.' },
];

/**
 * Describes the REST API in OpenAPI 3.1 from the routes the transcoder serves (`restRoutesOf`) and
 * the RPCs' descriptors, so that the document cannot drift from what is served: an annotated RPC
 * appears here with no other change. JSON is described as the transcoder reads and writes it: proto
 * field names, proto3 JSON types, every implicit field present in answers, `omit_empty` fields
 * optional and unset timestamps `null`.
 */
export function openApiDocument(routes: readonly RestRoute[], options: OpenApiOptions): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { [ERROR_SCHEMA]: errorSchema() };
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route);
    const verb = route.httpMethod.toLowerCase();
    const operations = paths[path] ?? {};
    paths[path] = operations;
    // The transcoder serves the first (most specific) route of a path and method; later ones never run.
    if (operations[verb] !== undefined) continue;
    operations[verb] = operationOf(route, schemas, operationIds, options);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Semaswift Auth',
      version: options.version,
      description:
        'The REST view of the gRPC API, generated at start-up from its protobuf descriptors. ' +
        'JSON uses the proto field names (snake_case) and proto3 JSON types: 64-bit integers are ' +
        'strings, enums their value names, timestamps RFC 3339 date-times. HEAD works on every GET.',
    },
    servers: [{ url: options.issuer }],
    paths,
    components: {
      schemas,
      responses: Object.fromEntries([
        ...ERROR_RESPONSES.map(({ status, name, what }) => [name, errorResponse(what, codesOf(status))]),
        ['OtherError', errorResponse('Another error of the contract.', otherCodes())],
      ]),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT or PAT',
          description: 'An access token from sign-in or OAuth, or a personal access token (`pat_live_…`).',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'A personal access token (`pat_live_…`); a JWT here is refused.',
        },
      },
    },
  };
}

function operationOf(
  route: RestRoute,
  schemas: Record<string, JsonSchema>,
  operationIds: Set<string>,
  options: OpenApiOptions,
): OpenApiOperation {
  const { service, method } = route;
  const bound = new Set(route.template.segments.flatMap((s) => ('variable' in s ? [s.variable] : [])));
  // Nested variables (`{parent.id}`) leave the rest of their top-level field to the body.
  const boundFields = new Set(method.input.fields.filter((f) => bound.has(f.name)));
  const rule = declaredAccessRule(method);
  const isPublic = rule?.public === true;

  const parameters: JsonSchema[] = [];
  for (const segment of route.template.segments) {
    if (!('variable' in segment)) continue;
    const field = fieldAt(method.input, segment.variable);
    parameters.push({
      name: segment.variable,
      in: 'path',
      required: true,
      schema: field ? fieldSchema(field, 'request', schemas) : { type: 'string' },
      ...(segment.rest ? { description: 'The rest of the path: it may contain slashes.' } : {}),
    });
  }
  if (route.body === '') {
    // As the transcoder reads a query: top-level fields that are not messages, named as in the proto.
    for (const field of method.input.fields) {
      if (field.message || field.fieldKind === 'map' || boundFields.has(field)) continue;
      parameters.push({ name: field.name, in: 'query', schema: fieldSchema(field, 'request', schemas) });
    }
  }

  let requestBody: JsonSchema | undefined;
  if (route.body !== '') {
    const field = route.body === '*' ? undefined : method.input.fields.find((f) => f.name === route.body);
    const schema = field
      ? fieldSchema(field, 'request', schemas)
      : requestObject(method.input, boundFields, schemas);
    requestBody = { content: { 'application/json': { schema } } };
  }

  let operationId = `${service.name}.${method.name}`;
  for (let n = 2; operationIds.has(operationId); n++) operationId = `${service.name}.${method.name}_${n}`;
  operationIds.add(operationId);

  const responses: Record<string, JsonSchema> = {
    '200': {
      description: 'OK',
      content: { 'application/json': { schema: messageSchema(method.output, 'response', schemas) } },
    },
  };
  for (const { status, name } of ERROR_RESPONSES) {
    // A public call checks no permission.
    if (status === 403 && isPublic) continue;
    responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  responses.default = { $ref: '#/components/responses/OtherError' };

  return {
    operationId,
    tags: [service.name],
    ...accessOf(method, rule, options),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    security: isPublic ? [] : CREDENTIALS,
  };
}

type AccessPart = Pick<
  OpenApiOperation,
  'description' | 'x-semaswift-permissions' | 'x-semaswift-oauth-permissions'
>;

/** Who may call, in words and as extensions, as the call guard decides it (access-policy.ts). */
function accessOf(
  method: DescMethod,
  rule: { public: boolean; permissions: readonly string[] } | undefined,
  options: OpenApiOptions,
): AccessPart {
  if (rule === undefined) return { description: 'Refused to every caller: the RPC declares no access rule.' };
  if (rule.public) return { description: 'Public: no credential needed.' };
  const permissions = [...rule.permissions];
  if (permissions.length > 0) {
    return {
      description: `Needs a credential holding ${list(permissions)}.`,
      'x-semaswift-permissions': permissions,
    };
  }
  const anyCredential = { description: 'Any valid credential.', 'x-semaswift-permissions': permissions };
  // The guard consults the OAuth rule only for calls that name no permission.
  const delegated = options.delegatedAccess ? options.delegatedAccess(method) : [];
  if (delegated === undefined) {
    return { ...anyCredential, description: 'Any valid credential, except an OAuth access token.' };
  }
  if (delegated.length === 0) return anyCredential;
  return {
    ...anyCredential,
    description: `Any valid credential; an OAuth access token needs ${list(delegated)}.`,
    'x-semaswift-oauth-permissions': [...delegated],
  };
}

const list = (permissions: readonly string[]): string => permissions.map((p) => `\`${p}\``).join(' and ');

function openApiPath(route: RestRoute): string {
  return `/${route.template.segments.map((s) => ('literal' in s ? s.literal : `{${s.variable}}`)).join('/')}`;
}

/** The field a path variable binds, following dotted names through nested messages. */
function fieldAt(message: DescMessage, path: string): DescField | undefined {
  let current: DescMessage | undefined = message;
  let field: DescField | undefined;
  for (const name of path.split('.')) {
    field = current?.fields.find((f) => f.name === name);
    current = field?.message;
  }
  return field;
}

/**
 * Requests and answers differ: an answer always carries its implicit fields (and `null` for an
 * unset timestamp), while a request may leave anything out and must not send a repeated field as
 * `[]` (request-checks.ts refuses it at the top level).
 */
type Direction = 'request' | 'response';

function requestObject(
  message: DescMessage,
  exclude: ReadonlySet<DescField>,
  schemas: Record<string, JsonSchema>,
  seen: ReadonlySet<DescMessage> = new Set(),
  topLevel = true,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const inner = new Set(seen).add(message);
  for (const field of message.fields) {
    if (exclude.has(field)) continue;
    const schema = fieldSchema(field, 'request', schemas, inner);
    properties[field.name] = topLevel && field.fieldKind === 'list' ? { ...schema, minItems: 1 } : schema;
  }
  return { type: 'object', properties };
}

function fieldSchema(
  field: DescField,
  direction: Direction,
  schemas: Record<string, JsonSchema>,
  seen: ReadonlySet<DescMessage> = new Set(),
): JsonSchema {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarSchema(field.scalar);
    case 'enum':
      return enumSchema(field.enum);
    case 'message': {
      const schema = messageSchema(field.message, direction, schemas, seen);
      // The transcoder writes an unset timestamp as null, so that clients find every documented key.
      return direction === 'response' && field.message.typeName === TIMESTAMP
        ? { ...schema, type: ['string', 'null'] }
        : schema;
    }
    case 'list':
      return { type: 'array', items: elementSchema(field, direction, schemas, seen) };
    case 'map':
      return { type: 'object', additionalProperties: elementSchema(field, direction, schemas, seen) };
  }
}

/** The schema of a list's items or a map's values. */
function elementSchema(
  field: DescField & { fieldKind: 'list' | 'map' },
  direction: Direction,
  schemas: Record<string, JsonSchema>,
  seen: ReadonlySet<DescMessage>,
): JsonSchema {
  if (field.message) return messageSchema(field.message, direction, schemas, seen);
  if (field.enum) return enumSchema(field.enum);
  return scalarSchema(field.scalar ?? ScalarType.STRING);
}

/**
 * Well-known types have their own JSON; other messages are `$ref`s to components named by full
 * type name that describe answers. Requests get their shape inline (no required keys), except for
 * a type that contains itself.
 */
function messageSchema(
  message: DescMessage,
  direction: Direction,
  schemas: Record<string, JsonSchema>,
  seen: ReadonlySet<DescMessage> = new Set(),
): JsonSchema {
  const known = wellKnownSchema(message);
  if (known) return known;
  if (direction === 'request' && !seen.has(message)) {
    return requestObject(message, new Set(), schemas, seen, false);
  }
  const name = message.typeName;
  if (schemas[name] === undefined) {
    // Registered before its fields, so a type that contains itself refers to itself.
    const component: JsonSchema = { type: 'object' };
    schemas[name] = component;
    const properties: Record<string, JsonSchema> = {};
    for (const field of message.fields) properties[field.name] = fieldSchema(field, 'response', schemas);
    component.properties = properties;
    component.required = message.fields.filter(alwaysWritten).map((f) => f.name);
    component.additionalProperties = false;
  }
  return { $ref: `#/components/schemas/${name}` };
}

/** Whether the transcoder's answer always has the key (toJson with alwaysEmitImplicit, then json-view.ts). */
function alwaysWritten(field: DescField): boolean {
  if (field.fieldKind === 'message' && field.message.typeName === TIMESTAMP) return true;
  if (omitsWhenEmpty(field)) return false;
  return field.presence === FeatureSet_FieldPresence.IMPLICIT;
}

function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', minimum: 0, maximum: 0xffffffff };
    // proto3 JSON writes 64-bit integers as strings: a double cannot hold them exactly.
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'uint64', pattern: '^[0-9]+$' };
    case ScalarType.FLOAT:
      return { type: 'number', format: 'float' };
    case ScalarType.DOUBLE:
      return { type: 'number', format: 'double' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    default:
      return { type: 'string' };
  }
}

function enumSchema(descEnum: DescEnum): JsonSchema {
  if (descEnum.typeName === 'google.protobuf.NullValue') return { type: 'null' };
  return { type: 'string', enum: descEnum.values.map((v) => v.name) };
}

function wellKnownSchema(message: DescMessage): JsonSchema | undefined {
  switch (message.typeName) {
    case TIMESTAMP:
      return { type: 'string', format: 'date-time' };
    case 'google.protobuf.Duration':
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' };
    case 'google.protobuf.FieldMask':
      return { type: 'string' };
    case 'google.protobuf.Struct':
      return { type: 'object', additionalProperties: true };
    case 'google.protobuf.Value':
      return {};
    case 'google.protobuf.ListValue':
      return { type: 'array', items: {} };
    case 'google.protobuf.Any':
      return { type: 'object', properties: { '@type': { type: 'string' } }, required: ['@type'] };
    case 'google.protobuf.DoubleValue':
    case 'google.protobuf.FloatValue':
    case 'google.protobuf.Int64Value':
    case 'google.protobuf.UInt64Value':
    case 'google.protobuf.Int32Value':
    case 'google.protobuf.UInt32Value':
    case 'google.protobuf.BoolValue':
    case 'google.protobuf.StringValue':
    case 'google.protobuf.BytesValue': {
      // A wrapper is written as its bare value.
      const value = message.fields[0];
      return value?.fieldKind === 'scalar' ? scalarSchema(value.scalar) : undefined;
    }
    default:
      return undefined;
  }
}

function errorSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: [...ERROR_CODES] },
          message: { type: 'string', description: 'For people; never names a secret.' },
        },
      },
    },
  };
}

const codesOf = (status: number): ErrorCode[] => ERROR_CODES.filter((c) => httpStatusOf(c) === status);

const otherCodes = (): ErrorCode[] =>
  ERROR_CODES.filter((c) => !ERROR_RESPONSES.some(({ status }) => httpStatusOf(c) === status));

function errorResponse(what: string, codes: readonly ErrorCode[]): JsonSchema {
  const statusOf = (code: ErrorCode) => `\`${code}\` (${httpStatusOf(code)})`;
  const headers: Record<string, JsonSchema> = {};
  if (codes.some((c) => httpStatusOf(c) === 401)) {
    headers['WWW-Authenticate'] = {
      description: 'A Bearer challenge (RFC 6750 §3).',
      schema: { type: 'string' },
    };
  }
  if (codes.includes('RATE_LIMITED')) {
    headers['Retry-After'] = { description: 'Seconds to wait.', schema: { type: 'integer' } };
  }
  return {
    description: `${what} Codes: ${codes.map(statusOf).join(', ')}.`,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: {
      'application/json': {
        // Narrows the code to those this status carries; the shape stays the contract's one.
        schema: {
          $ref: `#/components/schemas/${ERROR_SCHEMA}`,
          properties: { error: { properties: { code: { enum: [...codes] } } } },
        },
      },
    },
  };
}
