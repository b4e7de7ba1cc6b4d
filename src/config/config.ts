import { accessSync, constants, statSync } from 'node:fs';

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

type OptionKind =
  | 'string'
  | 'int'
  | 'port'
  | 'port-or-off'
  | 'url'
  | 'environment'
  | 'db'
  | 'file'
  | 'rate-limit-store'
  | 'log-level'
  | 'secret-key';

interface OptionSpec {
  key: keyof Config;
  flag: string;
  kind: OptionKind;
  default: string | number | undefined;
  doc: string;
  /** May hold a password or token (or is the secret itself): errors never repeat the value. */
  sensitive?: boolean;
}

/** pino's levels; anything else makes pino throw an obscure error at start. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every option, its default and its documentation, in one place (the README's table follows it). */
export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'port',
    flag: 'port',
    kind: 'port',
    default: 8080,
    doc: 'Main port: REST, Connect, gRPC, gRPC-Web.',
  },
  { key: 'host', flag: 'host', kind: 'string', default: '0.0.0.0', doc: 'Address to listen on.' },
  {
    key: 'db',
    flag: 'db',
    kind: 'db',
    sensitive: true,
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
    sensitive: true,
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
    kind: 'file',
    default: undefined,
    doc: 'PEM certificate: serve HTTPS/h2.',
  },
  {
    key: 'tlsKey',
    flag: 'tls-key',
    kind: 'file',
    default: undefined,
    doc: 'PEM private key for `--tls-cert`.',
  },
  {
    key: 'rateLimitStore',
    flag: 'rate-limit-store',
    kind: 'rate-limit-store',
    sensitive: true,
    default: 'memory',
    doc: 'Brute-force counters: `memory`, or `redis://…` shared by replicas.',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    kind: 'log-level',
    default: 'info',
    doc: `pino level: ${LOG_LEVELS.join(', ')}.`,
  },
  {
    key: 'secretKey',
    flag: 'secret-key',
    kind: 'secret-key',
    sensitive: true,
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

/** A usage mistake (a bad flag, variable or value): the CLI exits 2 on it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * What the admin commands use: they act on the store and nothing else. They leave the server's
 * other settings alone, so a `SEMASWIFT_*` variable exported for the server can never stop them.
 */
export const STORE_OPTIONS: readonly OptionSpec[] = OPTIONS.filter((o) => o.key === 'db');

/** The flag table of these options, for the command-line parser. */
export const flagTableOf = (options: readonly OptionSpec[]) =>
  Object.fromEntries(options.map((o) => [o.flag, { type: 'string' as const }]));

type Flags = Record<string, string | string[] | boolean | undefined>;

/**
 * Builds the whole server configuration from parsed flags, then `SEMASWIFT_*` variables, then
 * defaults. Checks everything that can be checked before anything is opened or created (the TLS
 * files included), and throws a ConfigError naming the flag, or the variable the value came from.
 */
export function resolveConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): Config {
  const { values, labels } = resolveOptions(OPTIONS, flags, env);
  const config = values as Config;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    const given = config.tlsCert === undefined ? 'tlsKey' : 'tlsCert';
    const missing = given === 'tlsCert' ? 'tls-key' : 'tls-cert';
    throw new ConfigError(
      `${labels[given]} needs --${missing} (or ${envNameOf(missing)}) too: give both or neither.`,
    );
  }
  for (const key of ['tlsCert', 'tlsKey'] as const) {
    const path = config[key];
    if (path !== undefined) checkReadableFile(labels[key] as string, path);
  }
  // Replicas on one database must share the key (PAT hashes, MFA secrets): a development key made
  // up by each would split them silently.
  if (config.secretKey === undefined && /^postgres(?:ql)?:/i.test(config.db)) {
    throw new ConfigError(
      `--secret-key (or ${envNameOf('secret-key')}) is required with a PostgreSQL --db: every replica needs the same one.`,
    );
  }
  config.issuer = config.issuer.replace(/\/+$/, '');
  return config;
}

/** The store setting alone, for admin commands. */
export function resolveStoreConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): Pick<Config, 'db'> {
  return resolveOptions(STORE_OPTIONS, flags, env).values as Pick<Config, 'db'>;
}

function resolveOptions(options: readonly OptionSpec[], flags: Flags, env: NodeJS.ProcessEnv) {
  const values: Partial<Record<keyof Config, unknown>> = {};
  const labels: Partial<Record<keyof Config, string>> = {};
  for (const option of options) {
    const fromFlag = flags[option.flag];
    const variable = envNameOf(option.flag);
    const raw = fromFlag ?? env[variable];
    const label = fromFlag === undefined ? `${variable} (--${option.flag})` : `--${option.flag}`;
    labels[option.key] = label;
    // An empty variable means unset, except for the secret key: an empty one is a deployment
    // mistake (a secret file that came back empty), and "unset" would quietly make up a new key.
    if (raw === '' && option.kind === 'secret-key') throw new ConfigError(`${label} is empty.`);
    values[option.key] =
      raw === undefined || raw === '' ? option.default : parseValue(option, label, String(raw));
  }
  return { values: values as Partial<Config>, labels };
}

const DIGITS = /^[0-9]+$/;
/** A URL scheme of two characters or more, so that a Windows drive letter (`C:\…`) stays a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

function parseValue(option: OptionSpec, label: string, raw: string): string | number | null {
  const got = option.sensitive ? '' : ` (got "${raw}")`;
  const refuse = (expected: string) => new ConfigError(`${label} must be ${expected}${got}.`);
  switch (option.kind) {
    case 'port':
    case 'port-or-off': {
      if (option.kind === 'port-or-off' && raw === 'off') return null;
      const port = Number(raw);
      if (!DIGITS.test(raw) || port > 65535) {
        throw refuse(`a port number (0 to 65535)${option.kind === 'port-or-off' ? ' or "off"' : ''}`);
      }
      return port;
    }
    case 'int': {
      const value = Number(raw);
      if (!DIGITS.test(raw) || value < 1 || !Number.isSafeInteger(value)) throw refuse('a positive integer');
      return value;
    }
    case 'environment':
      if (raw !== 'live' && raw !== 'test') throw refuse('"live" or "test"');
      return raw;
    case 'log-level':
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw refuse(`one of ${LOG_LEVELS.join(', ')}`);
      return raw;
    case 'url': {
      const url = URL.parse(raw);
      if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw refuse('an absolute http(s) URL');
      }
      return raw;
    }
    case 'db':
      checkStorageUrl(label, raw);
      return raw;
    case 'rate-limit-store':
      if (raw !== 'memory' && !/^rediss?:\/\/./.test(raw)) throw refuse('"memory" or a redis:// URL');
      return raw;
    case 'secret-key':
      if (!isSecretKey(raw)) throw refuse('32 bytes, base64 or hex (openssl rand -base64 32)');
      return raw;
    default:
      return raw;
  }
}

/**
 * The forms `openStore` accepts, checked before the server writes its development key beside
 * the database or the admin commands create a file: a typo must not leave either behind. Names
 * the scheme at most, never the URL, which may carry a password.
 */
function checkStorageUrl(label: string, raw: string): void {
  const expected = 'a SQLite file path, sqlite:PATH, or a postgres:// or postgresql:// URL';
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return;
  if (scheme === 'sqlite') {
    if (raw.slice('sqlite:'.length).replace(/^\/\//, '') === '') {
      throw new ConfigError(`${label}: "sqlite:" names no file (expected sqlite:PATH).`);
    }
    return;
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!URL.canParse(raw)) throw new ConfigError(`${label} is not a valid ${scheme}:// URL.`);
    return;
  }
  throw new ConfigError(`${label} must be ${expected}, not a "${scheme}:" URL.`);
}

/** Mirrors the key decoding of the server secret, so a bad key is a usage error at start. */
function isSecretKey(text: string): boolean {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return key.length === 32;
}

/** A TLS file that cannot be read must stop the server before it creates its database. */
function checkReadableFile(label: string, path: string): void {
  let reason: string | undefined;
  try {
    if (statSync(path).isFile()) accessSync(path, constants.R_OK);
    else reason = 'not a file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
  }
  if (reason !== undefined) throw new ConfigError(`${label}: cannot read "${path}" (${reason}).`);
}
