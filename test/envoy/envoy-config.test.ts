import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromJson, type JsonValue, toJson } from '@bufbuild/protobuf';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { routePolicyOf } from '../../src/extauthz/route-policy.ts';
import { envoyRegistry } from './envoy-schema.ts';

const ENVOY_DIR = resolve(import.meta.dirname, '../../envoy');
const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

type Registry = ReturnType<typeof envoyRegistry>;

/** Parses YAML as Envoy does: through the Bootstrap message's JSON mapping, strictly. */
function parseBootstrap(registry: Registry, yamlText: string) {
  return fromJson(messageType(registry, BOOTSTRAP), parse(yamlText) as JsonValue, { registry });
}

function messageType(registry: Registry, typeName: string) {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new Error(`${typeName} is not in the registry`);
  return desc;
}

/** The ```yaml blocks of a Markdown file that are whole Bootstrap configs (they have `static_resources`). */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/*
 * The parts of Envoy's config the assertions read, in the canonical JSON of the parsed message
 * (proto field names, `@type` expanded), so a camelCase spelling or a YAML alias cannot hide a
 * setting from them.
 */
interface HeaderMatcher {
  name: string;
  string_match?: { exact?: string; safe_regex?: { regex: string } };
}
interface Route {
  match: { prefix?: string; path?: string; headers?: HeaderMatcher[] };
  request_headers_to_remove?: string[];
  typed_per_filter_config?: Record<
    string,
    { disabled?: boolean; check_settings?: { context_extensions?: Record<string, string> } }
  >;
}
interface VirtualHost {
  request_headers_to_remove?: string[];
  routes: Route[];
}
interface HttpConnectionManager {
  normalize_path?: boolean;
  merge_slashes?: boolean;
  path_with_escaped_slashes_action?: string;
  common_http_protocol_options?: { headers_with_underscores_action?: string };
  route_config: { request_headers_to_remove?: string[]; virtual_hosts: VirtualHost[] };
  http_filters: Array<{ name: string; typed_config: Record<string, unknown> }>;
}

const HCM = 'envoy.filters.network.http_connection_manager';
const EXT_AUTHZ = 'envoy.filters.http.ext_authz';
const IDENTITY_HEADERS = [
  'x-semaswift-user-id',
  'x-semaswift-org-id',
  'x-semaswift-roles',
  'x-semaswift-permissions',
  'x-semaswift-auth-method',
];

function canonical(registry: Registry, yamlText: string) {
  const bootstrap = parseBootstrap(registry, yamlText);
  return toJson(messageType(registry, BOOTSTRAP), bootstrap, { registry, useProtoFieldName: true }) as {
    static_resources: {
      listeners: Array<{
        filter_chains: Array<{ filters: Array<{ name: string; typed_config: unknown }> }>;
      }>;
    };
  };
}

function connectionManagers(registry: Registry, yamlText: string): HttpConnectionManager[] {
  return canonical(registry, yamlText).static_resources.listeners.flatMap((listener) =>
    listener.filter_chains.flatMap((chain) =>
      chain.filters.filter((f) => f.name === HCM).map((f) => f.typed_config as HttpConnectionManager),
    ),
  );
}

const isUnchecked = (route: Route) => route.typed_per_filter_config?.[EXT_AUTHZ]?.disabled === true;

/**
 * The first route Envoy would pick for a request, for the match kinds these configs use; any
 * other kind fails the test rather than being guessed at.
 */
function routeFor(routes: Route[], method: string, path: string): Route {
  const headers: Record<string, string> = { ':method': method, ':path': path };
  const route = routes.find(({ match }) => {
    for (const key of Object.keys(match)) {
      if (!['prefix', 'path', 'headers'].includes(key)) throw new Error(`routeFor cannot match on ${key}`);
    }
    if (match.path !== undefined && match.path !== path) return false;
    if (match.prefix !== undefined && !path.startsWith(match.prefix)) return false;
    return (match.headers ?? []).every((matcher) => {
      const value = headers[matcher.name];
      const { exact, safe_regex } = matcher.string_match ?? {};
      if (value === undefined) throw new Error(`routeFor cannot match header ${matcher.name}`);
      if (exact !== undefined) return value === exact;
      // Envoy's safe_regex must match the whole value.
      if (safe_regex !== undefined) return new RegExp(`^(?:${safe_regex.regex})$`).test(value);
      throw new Error(`routeFor cannot match ${JSON.stringify(matcher)}`);
    });
  });
  if (!route) throw new Error(`no route for ${method} ${path}`);
  return route;
}

/**
 * Unchecked routes drop the identity headers, since nothing overwrites them there; nothing else
 * drops an `x-semaswift-*` header, since the router would do it after ext_authz set them.
 */
function expectIdentityHeadersHandled(routes: Route[]): void {
  for (const route of routes) {
    const removed = route.request_headers_to_remove ?? [];
    if (isUnchecked(route))
      expect(removed, JSON.stringify(route.match)).toEqual(expect.arrayContaining(IDENTITY_HEADERS));
    else
      expect(
        removed.filter((h) => h.startsWith('x-semaswift-')),
        JSON.stringify(route.match),
      ).toEqual([]);
  }
}

describe('envoy/ configuration against Envoy v3 Bootstrap', () => {
  let registry: Registry;
  beforeAll(() => {
    registry = envoyRegistry();
  }, 120_000);

  it.each(['envoy.yaml', 'envoy-http.yaml'])('%s is a valid Bootstrap', (file) => {
    const message = parseBootstrap(registry, readFileSync(join(ENVOY_DIR, file), 'utf8'));
    expect(message.$typeName).toBe(BOOTSTRAP);
  });

  it('the gRPC config fails closed, uses V3 and checks the auth cluster over HTTP/2', () => {
    const config = parse(readFileSync(join(ENVOY_DIR, 'envoy.yaml'), 'utf8'));
    const text = JSON.stringify(config);
    expect(text).toContain('"failure_mode_allow":false');
    expect(text).toContain('"transport_api_version":"V3"');
    expect(text).toContain('"grpc_health_check"');
    expect(text).toContain('"required_permissions"');
  });

  it('rejects an unknown field and an unknown @type (the check can fail)', () => {
    const good = readFileSync(join(ENVOY_DIR, 'envoy.yaml'), 'utf8');
    expect(() =>
      parseBootstrap(registry, good.replace('failure_mode_allow: false', 'failure_mode_allowed: false')),
    ).toThrow();
    expect(() =>
      parseBootstrap(registry, good.replace('ext_authz.v3.ExtAuthz\n', 'ext_authz.v3.ExtAuthzz\n')),
    ).toThrow();
  });

  it('every configuration in envoy/README.md is valid: whole Bootstraps and route snippets', () => {
    const blocks = yamlBlocks(readFileSync(join(ENVOY_DIR, 'README.md'), 'utf8'));
    const whole = blocks.filter((b) => b.includes('static_resources'));
    const routes = blocks.filter((b) => b.startsWith('- match:'));
    expect(whole.length + routes.length).toBe(blocks.length);
    expect(whole.length).toBeGreaterThan(0);
    for (const block of whole) parseBootstrap(registry, block);
    const route = messageType(registry, 'envoy.config.route.v3.Route');
    for (const block of routes) {
      const parsed = (parse(block) as JsonValue[]).map(
        (item) =>
          toJson(route, fromJson(route, item, { registry }), {
            registry,
            useProtoFieldName: true,
          }) as unknown as Route,
      );
      expectIdentityHeadersHandled(parsed);
    }
  });

  it.each(['envoy.yaml', 'envoy-http.yaml', 'README.md'])(
    '%s routes on the normalised path and refuses encoded slashes and underscored headers',
    (file) => {
      const text = readFileSync(join(ENVOY_DIR, file), 'utf8');
      const configs = file.endsWith('.md')
        ? yamlBlocks(text).filter((b) => b.includes('static_resources'))
        : [text];
      const managers = configs.flatMap((config) => connectionManagers(registry, config));
      expect(managers.length).toBeGreaterThan(0);
      for (const manager of managers) {
        expect(manager).toMatchObject({
          normalize_path: true,
          merge_slashes: true,
          path_with_escaped_slashes_action: 'REJECT_REQUEST',
          common_http_protocol_options: { headers_with_underscores_action: 'REJECT_REQUEST' },
        });
      }
    },
  );

  it.each(['envoy.yaml', 'envoy-http.yaml'])(
    '%s drops client-sent identity headers on unchecked routes, and only there',
    (file) => {
      const [manager] = connectionManagers(registry, readFileSync(join(ENVOY_DIR, file), 'utf8'));
      if (!manager) throw new Error('no http_connection_manager');
      const hosts = manager.route_config.virtual_hosts;
      const levelWide = [manager.route_config, ...hosts].flatMap(
        (level) => level.request_headers_to_remove ?? [],
      );
      expect(levelWide.filter((h) => h.startsWith('x-semaswift-'))).toEqual([]);
      const routes = hosts.flatMap((host) => host.routes);
      expect(routes.filter(isUnchecked).length).toBe(4);
      expectIdentityHeadersHandled(routes);
      for (const path of ['/api/v1/health', '/api/v1/auth/login', '/oauth2/x', '/.well-known/jwks.json']) {
        const route = routeFor(routes, 'GET', path);
        expect(isUnchecked(route), path).toBe(true);
        expect(route.request_headers_to_remove).toEqual(expect.arrayContaining(IDENTITY_HEADERS));
      }
    },
  );

  it('envoy.yaml asks ticket:read for reads and ticket:write for every other method', () => {
    const [manager] = connectionManagers(registry, readFileSync(join(ENVOY_DIR, 'envoy.yaml'), 'utf8'));
    const routes = manager?.route_config.virtual_hosts.flatMap((host) => host.routes) ?? [];
    const policyOf = (method: string, path: string) => {
      const route = routeFor(routes, method, path);
      expect(isUnchecked(route), `${method} ${path}`).toBe(false);
      return routePolicyOf(
        route.typed_per_filter_config?.[EXT_AUTHZ]?.check_settings?.context_extensions ?? {},
      );
    };
    const cases: Array<[string, string[], boolean]> = [
      ['GET', ['ticket:read'], true],
      ['HEAD', ['ticket:read'], true],
      ['POST', ['ticket:write'], true],
      ['PUT', ['ticket:write'], true],
      ['PATCH', ['ticket:write'], true],
      ['DELETE', ['ticket:write'], false],
      ['OPTIONS', ['ticket:write'], true],
      ['PURGE', ['ticket:write'], true],
    ];
    for (const path of ['/api/v1/tickets', '/api/v1/tickets/tkt_1/comments']) {
      for (const [method, requiredPermissions, allowPat] of cases) {
        expect(policyOf(method, path), `${method} ${path}`).toMatchObject({ requiredPermissions, allowPat });
      }
    }
    // Everything else needs a valid credential and nothing more.
    expect(policyOf('POST', '/api/v1/users')).toMatchObject({ requiredPermissions: [], allowPat: true });
  });

  it('envoy-http.yaml forwards every x-semaswift-* header to the check, so its answer can remove them', () => {
    const [manager] = connectionManagers(registry, readFileSync(join(ENVOY_DIR, 'envoy-http.yaml'), 'utf8'));
    const filter = manager?.http_filters.find((f) => f.name === EXT_AUTHZ)?.typed_config as {
      http_service: {
        authorization_request: { allowed_headers: { patterns: unknown[] } };
        authorization_response: { allowed_upstream_headers: { patterns: unknown[] } };
      };
    };
    const { authorization_request, authorization_response } = filter.http_service;
    expect(authorization_request.allowed_headers.patterns).toEqual(
      expect.arrayContaining([
        { exact: 'authorization' },
        { exact: 'x-api-key' },
        { prefix: 'x-semaswift-' },
      ]),
    );
    expect(authorization_response.allowed_upstream_headers.patterns).toEqual([{ prefix: 'x-semaswift-' }]);
  });
});
