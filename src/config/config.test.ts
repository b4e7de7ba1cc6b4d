import { describe, expect, it } from 'vitest';
import { ConfigError, envNameOf, resolveConfig, resolveStoreConfig } from './config.ts';

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

  it.each([
    [{ port: '-1' }, /^--port must be a port number \(0 to 65535\) \(got "-1"\)\.$/],
    [{ 'ext-authz-port': '1e3' }, /--ext-authz-port must be a port number \(0 to 65535\) or "off"/],
    [{ 'access-token-ttl': '-5' }, /--access-token-ttl must be a positive integer/],
    [{ 'pat-max-ttl-days': '3.5' }, /--pat-max-ttl-days must be a positive integer/],
    [{ 'log-level': 'loud' }, /--log-level must be one of trace, debug, info, warn, error, fatal, silent/],
    [{ 'rate-limit-store': 'redis' }, /--rate-limit-store must be "memory" or a redis:\/\/ URL/],
    [{ db: 'bogus://x' }, /--db must be a SQLite file path/],
    [{ db: 'sqlite://' }, /--db: "sqlite:" names no file/],
    [{ 'secret-key': 'abc' }, /--secret-key must be 32 bytes/],
    [{ environment: 'prod' }, /--environment must be "live" or "test"/],
  ])('refuses %j', (flags, message) => {
    expect(() => resolveConfig(flags, {})).toThrow(message);
  });

  it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])('accepts log level %s', (level) => {
    expect(resolveConfig({ 'log-level': level }, {}).logLevel).toBe(level);
  });

  it.each([
    './data/x.db',
    'sqlite:x.db',
    'sqlite:///tmp/x.db',
    ':memory:',
    'postgres://u@h/db',
    'postgresql://h/db',
  ])('accepts --db %s', (db) => {
    const secretKey = { 'secret-key': Buffer.alloc(32, 1).toString('base64') };
    expect(resolveConfig({ db, ...secretKey }, {}).db).toBe(db);
  });

  it('needs a shared secret key with PostgreSQL, and refuses an empty one', () => {
    expect(() => resolveConfig({ db: 'postgres://u@h/db' }, {})).toThrow(/--secret-key .* is required/);
    expect(() => resolveConfig({}, { SEMASWIFT_SECRET_KEY: '' })).toThrow(
      /^SEMASWIFT_SECRET_KEY \(--secret-key\) is empty\.$/,
    );
    expect(() => resolveConfig({ 'secret-key': '' }, {})).toThrow(/^--secret-key is empty\.$/);
  });

  it('names the variable when the bad value came from the environment', () => {
    expect(() => resolveConfig({}, { SEMASWIFT_PORT: 'abc' })).toThrow(
      /^SEMASWIFT_PORT \(--port\) must be a port number/,
    );
    expect(() => resolveConfig({ port: 'abc' }, { SEMASWIFT_PORT: '1' })).toThrow(/^--port must be/);
  });

  it('never repeats a value that may hold a secret', () => {
    for (const flags of [
      { 'secret-key': 'hunter2' },
      { db: 'mysql://u:hunter2@h/db' },
      { 'rate-limit-store': 'memcached://u:hunter2@h' },
      { 'sms-webhook-url': 'ftp://hunter2' },
    ]) {
      expect(() => resolveConfig(flags, {})).toThrow(ConfigError);
      expect(() => resolveConfig(flags, {})).not.toThrow(/hunter2/);
    }
  });

  it('checks that the TLS files can be read', () => {
    expect(() => resolveConfig({ 'tls-cert': '/nonexistent', 'tls-key': '/nonexistent' }, {})).toThrow(
      /--tls-cert: cannot read "\/nonexistent" \(no such file\)/,
    );
    expect(() =>
      resolveConfig({ 'tls-cert': import.meta.dirname, 'tls-key': import.meta.filename }, {}),
    ).toThrow(/--tls-cert: cannot read .* \(not a file\)/);
  });

  it('gives admin commands the store alone, whatever else the environment holds', () => {
    const env = { SEMASWIFT_DB: 'sqlite:x.db', SEMASWIFT_PORT: 'abc', SEMASWIFT_LOG_LEVEL: 'loud' };
    expect(resolveStoreConfig({}, env)).toEqual({ db: 'sqlite:x.db' });
    expect(() => resolveStoreConfig({}, { SEMASWIFT_DB: 'bogus:x' })).toThrow(/^SEMASWIFT_DB \(--db\)/);
  });
});
