import {
  create,
  type DescMethod,
  fromJson,
  isMessage,
  type JsonObject,
  type JsonValue,
  type Message,
  ScalarType,
  toJson,
} from '@bufbuild/protobuf';
import { createContextValues, createHandlerContext, type HandlerContext } from '@connectrpc/connect';
import { AuthError, invalidArgument } from '../errors/auth-error.ts';
import { jsonDecodeFailure } from '../errors/json-decode.ts';
import type { CallGuard } from '../principal/access-policy.ts';
import { clientAddressKey, principalKey } from '../rpc/call-context.ts';
import type { RegisteredService } from '../rpc/services.ts';
import { type ErrorReporter, writeJsonError } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import { headerValue, repeatedCredentialHeader, toFetchHeaders } from '../server/node-headers.ts';
import type { RestRoute } from './http-rules.ts';
import { omitEmptyFields } from './json-view.ts';
import { matchPath } from './path-template.ts';
import { readJsonObject } from './request-body.ts';
import { checkRequestJson } from './request-checks.ts';

type UnaryFn = (request: Message, context: HandlerContext) => Promise<unknown>;

/** Serves one REST request; resolves false when no route has the path (someone else's request). */
export type RestHandler = (req: HttpRequest, res: HttpResponse) => Promise<boolean>;

export interface RestHandlerDeps {
  services: readonly RegisteredService[];
  /** `restRoutesOf` the services: built once, shared with the OpenAPI view. */
  routes: readonly RestRoute[];
  guard: CallGuard;
  reportError: ErrorReporter;
}

/**
 * The REST/JSON transcoding of the services, from their `google.api.http` rules: it builds the
 * request message from path variables, query parameters and the JSON body, runs the same guard and
 * the same implementation as Connect and gRPC, and writes the answer with proto field names.
 */
export function createRestHandler(deps: RestHandlerDeps): RestHandler {
  const { routes } = deps;
  const implementations = new Map<DescMethod, UnaryFn>();
  for (const { service, impl } of deps.services) {
    for (const method of service.methods) {
      const fn = (impl as Record<string, UnaryFn | undefined>)[method.localName];
      if (fn) implementations.set(method, fn.bind(impl));
    }
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://rest.invalid');
    const parts = splitPath(url.pathname);
    if (parts === undefined) return false;
    const matches = routes.flatMap((route) => {
      const bound = matchPath(route.template, parts);
      return bound ? [{ route, bound }] : [];
    });
    if (matches.length === 0) return false;
    // HEAD is GET without a body (RFC 9110 §9.3.2).
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const match = matches.find((m) => m.route.httpMethod === method);
    try {
      if (!match) {
        res.setHeader('allow', [...new Set(matches.map((m) => m.route.httpMethod))].join(', '));
        throw new AuthError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}.`);
      }
      const { route, bound } = match;
      // Authenticate before reading the body: an anonymous caller learns nothing from validation.
      const principal = await deps.guard(route.method, {
        authorization: headerValue(req.headers, 'authorization'),
        apiKey: headerValue(req.headers, 'x-api-key'),
        pathAndQuery: req.url,
        repeatedHeader: repeatedCredentialHeader(req.rawHeaders),
      });
      const input = await requestJson(req, route, bound, url.searchParams);
      checkRequestJson(route.method.input, input);
      const request = parseRequest(route.method, input);
      const context = createHandlerContext({
        service: route.service,
        method: route.method,
        protocolName: 'rest',
        requestMethod: req.method ?? 'GET',
        url: url.href,
        requestHeader: toFetchHeaders(req.headers),
        contextValues: createContextValues()
          .set(clientAddressKey, req.socket?.remoteAddress ?? 'unknown')
          .set(principalKey, principal),
      });
      const fn = implementations.get(route.method);
      if (!fn) throw new AuthError('NOT_FOUND', `${route.method.toString()} is not implemented.`);
      const output = await fn(request, context);
      const message = isMessage(output, route.method.output)
        ? output
        : create(route.method.output, output as never);
      const json = toJson(route.method.output, message, {
        useProtoFieldName: true,
        alwaysEmitImplicit: true,
      });
      for (const [name, value] of context.responseHeader) res.setHeader(name, value);
      const body = JSON.stringify(omitEmptyFields(route.method.output, json));
      if (req.method === 'HEAD') {
        sendResponse(res, 200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
      } else {
        sendResponse(res, 200, { 'content-type': 'application/json' }, body);
      }
    } catch (error) {
      writeJsonError(res, deps.reportError(error));
    }
    return true;
  };
}

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

async function requestJson(
  req: HttpRequest,
  route: RestRoute,
  bound: Map<string, string>,
  query: URLSearchParams,
): Promise<JsonObject> {
  const input: JsonObject = {};
  if (route.body === '*') Object.assign(input, await readJsonObject(req));
  else if (route.body !== '') input[route.body] = (await readJsonObject(req)) as JsonObject;
  else for (const [name, value] of queryFields(route.method, query)) input[name] = value;
  for (const [path, value] of bound) setPath(input, path, value);
  return input;
}

/** Query parameters named after top-level scalar fields of the request (others are ignored). */
function queryFields(method: DescMethod, query: URLSearchParams): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const field of method.input.fields) {
    const values = [
      ...query.getAll(field.name),
      ...(field.jsonName === field.name ? [] : query.getAll(field.jsonName)),
    ];
    if (values.length === 0 || field.message) continue;
    const isBool = field.fieldKind === 'scalar' && field.scalar === ScalarType.BOOL;
    const typed = values.map((v) => (isBool ? queryBool(field.name, v) : v));
    out.set(field.name, field.fieldKind === 'list' ? typed : (typed[typed.length - 1] as JsonValue));
  }
  return out;
}

/** proto3 JSON's booleans: `true` or `false`, nothing that merely looks like one. */
function queryBool(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidArgument(`${name} must be true or false.`);
}

function setPath(target: JsonObject, path: string, value: string): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      node = next;
    } else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1] as string] = value;
}

function parseRequest(method: DescMethod, input: JsonObject): Message {
  try {
    return fromJson(method.input, input, { ignoreUnknownFields: true });
  } catch (error) {
    throw jsonDecodeFailure(error instanceof Error ? error.message : '');
  }
}
