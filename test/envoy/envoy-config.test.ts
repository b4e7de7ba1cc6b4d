import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envoyRegistry } from './envoy-schema.ts';

const ENVOY_DIR = resolve(import.meta.dirname, '../../envoy');
const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

type Registry = ReturnType<typeof envoyRegistry>;

/** Parses YAML as Envoy does: through the Bootstrap message's JSON mapping, strictly. */
function parseBootstrap(registry: Registry, yamlText: string) {
  const bootstrap = registry.getMessage(BOOTSTRAP);
  if (!bootstrap) throw new Error(`${BOOTSTRAP} is not in the registry`);
  return fromJson(bootstrap, parse(yamlText) as JsonValue, { registry });
}

/** The ```yaml blocks of a Markdown file that are whole Bootstrap configs (they have `static_resources`). */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
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
    const route = registry.getMessage('envoy.config.route.v3.Route');
    if (!route) throw new Error('no Route message');
    for (const block of routes)
      for (const item of parse(block) as JsonValue[]) fromJson(route, item, { registry });
  });
});
