import { describe, expect, it } from 'vitest';
import { ConfigError, envNameOf, resolveConfig } from './config.ts';

describe('configuration', () => {
  it('has the contract defaults', () => {
    expect(resolveConfig({}, {})).toMatchObject({
      port: 8080,
      db: './data/semaswift.db',
      issuer: 'http://localhost:8080',
      audience: 'semaswift-api',
      accessTokenTtl: 3600,
      refreshTokenTtl: 2_592_000,
      extAuthzPort: 9191,
      rateLimitStore: 'memory',
    });
  });

  it('reads SEMASWIFT_* twins, and flags win over them', () => {
    expect(envNameOf('access-token-ttl')).toBe('SEMASWIFT_ACCESS_TOKEN_TTL');
    const env = { SEMASWIFT_PORT: '9000', SEMASWIFT_AUDIENCE: 'x' };
    expect(resolveConfig({ port: '9001' }, env)).toMatchObject({ port: 9001, audience: 'x' });
  });

  it.each([
    [{ port: 'eighty' }, /--port/],
    [{ port: '70000' }, /--port/],
    [{ 'access-token-ttl': '0' }, /--access-token-ttl/],
    [{ issuer: 'not a url' }, /--issuer/],
    [{ 'tls-cert': 'c.pem' }, /--tls-key/],
  ])('refuses %j naming the option', (flags, message) => {
    expect(() => resolveConfig(flags, {})).toThrow(ConfigError);
    expect(() => resolveConfig(flags, {})).toThrow(message);
  });
});
