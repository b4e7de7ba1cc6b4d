import { parseArgs } from 'node:util';

/** Everything the server can be told, validated. Each component takes only the part it uses. */
export interface Config {
  port: number;
  host: string;
  /** A file path, `sqlite:PATH`, `:memory:`, or `postgres://…`. */
  db: string;
  issuer: string;
  audience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  smsWebhookUrl: string | undefined;
  /** null: disabled (`--ext-authz-port off`). */
  extAuthzPort: number | null;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  rateLimitStore: string;
  logLevel: string;
  secretKey: string | undefined;
  environment: 'live' | 'test';
  patMaxTtlDays: number;
}

interface OptionSpec {
  key: keyof Config;
  flag: string;
  kind: 'string' | 'int' | 'port-or-off' | 'url' | 'environment';
  default: string | number | undefined;
  doc: string;
}

/** Every option, its default and its documentation, in one place (the README's table follows it). */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'port', flag: 'port', kind: 'int', default: 8080, doc: 'Main port: REST, Connect, gRPC, gRPC-Web.' },
  { key: 'host', flag: 'host', kind: 'string', default: '0.0.0.0', doc: 'Address to listen on.' },
  {
    key: 'db',
    flag: 'db',
    kind: 'string',
    default: './data/semaswift.db',
    doc: 'Storage: a SQLite file path (or `sqlite:PATH`), or `postgres://…`.',
  },
  {
    key: 'issuer',
    flag: 'issuer',
    kind: 'url',
    default: 'http://localhost:8080',
    doc: '`iss` of every token and the OIDC issuer.',
  },
  {
    key: 'audience',
    flag: 'audience',
    kind: 'string',
    default: 'semaswift-api',
    doc: '`aud` of access tokens.',
  },
  {
    key: 'accessTokenTtl',
    flag: 'access-token-ttl',
    kind: 'int',
    default: 3600,
    doc: 'Access token lifetime, seconds.',
  },
  {
    key: 'refreshTokenTtl',
    flag: 'refresh-token-ttl',
    kind: 'int',
    default: 30 * 24 * 3600,
    doc: 'Refresh token lifetime, seconds.',
  },
  {
    key: 'smsWebhookUrl',
    flag: 'sms-webhook-url',
    kind: 'url',
    default: undefined,
    doc: 'Where SMS codes are POSTed as `{"to","body"}`; unset: logged in development.',
  },
  {
    key: 'extAuthzPort',
    flag: 'ext-authz-port',
    kind: 'port-or-off',
    default: 9191,
    doc: 'Envoy ext_authz gRPC port; `off` disables it, 0 picks a free one.',
  },
  {
    key: 'tlsCert',
    flag: 'tls-cert',
    kind: 'string',
    default: undefined,
    doc: 'PEM certificate: serve HTTPS/h2.',
  },
  {
    key: 'tlsKey',
    flag: 'tls-key',
    kind: 'string',
    default: undefined,
    doc: 'PEM private key for `--tls-cert`.',
  },
  {
    key: 'rateLimitStore',
    flag: 'rate-limit-store',
    kind: 'string',
    default: 'memory',
    doc: 'Brute-force counters: `memory`, or `redis://…` shared by replicas.',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    kind: 'string',
    default: 'info',
    doc: 'pino level: trace, debug, info, warn, error, silent.',
  },
  {
    key: 'secretKey',
    flag: 'secret-key',
    kind: 'string',
    default: undefined,
    doc: '32 bytes (base64/hex) keying PAT hashes and MFA secrets; unset: a development key in the data folder.',
  },
  {
    key: 'environment',
    flag: 'environment',
    kind: 'environment',
    default: 'live',
    doc: '`live` issues and accepts only `pat_live_` tokens, `test` only `pat_test_`.',
  },
  {
    key: 'patMaxTtlDays',
    flag: 'pat-max-ttl-days',
    kind: 'int',
    default: 366,
    doc: 'Longest PAT lifetime a user may choose, days.',
  },
];

/** `--access-token-ttl` → `SEMASWIFT_ACCESS_TOKEN_TTL`. */
export const envNameOf = (flag: string): string => `SEMASWIFT_${flag.toUpperCase().replaceAll('-', '_')}`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The `parseArgs` option table for the config flags, for commands that accept them. */
export const CONFIG_FLAGS = Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: 'string' as const }]));

/**
 * Builds the configuration from parsed flags, then `SEMASWIFT_*` variables, then defaults.
 * Throws ConfigError naming the option when a value is invalid.
 */
export function resolveConfig(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const out: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = flags[option.flag] ?? env[envNameOf(option.flag)];
    out[option.key] = raw === undefined || raw === '' ? option.default : parseValue(option, String(raw));
  }
  const config = out as unknown as Config;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither.');
  }
  config.issuer = config.issuer.replace(/\/+$/, '');
  return config;
}

function parseValue(option: OptionSpec, raw: string): string | number | null {
  if (option.kind === 'port-or-off' && raw === 'off') return null;
  if (option.kind === 'int' || option.kind === 'port-or-off') {
    const value = Number(raw);
    const isPort = option.flag.endsWith('port');
    if (!Number.isInteger(value) || value < 0 || (isPort ? value > 65535 : value < 1)) {
      throw new ConfigError(
        `--${option.flag} must be ${isPort ? 'a port number' : 'a positive integer'}, got "${raw}".`,
      );
    }
    return value;
  }
  if (option.kind === 'environment' && raw !== 'live' && raw !== 'test') {
    throw new ConfigError(`--${option.flag} must be "live" or "test", got "${raw}".`);
  }
  if (option.kind === 'url') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`--${option.flag} must be an absolute http(s) URL, got "${raw}".`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`--${option.flag} must be an http(s) URL.`);
    }
  }
  return raw;
}

/** Parses argv flags for a command that takes the config flags plus its own. */
export function parseCommandLine(
  args: string[],
  own: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {},
) {
  return parseArgs({ args, options: { ...CONFIG_FLAGS, ...own }, strict: true, allowPositionals: false });
}
