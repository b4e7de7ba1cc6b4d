import { ConfigError } from '../config/config.ts';
import { generateClientId, generateClientSecret, hashClientSecret } from '../oauth/client-secret.ts';
import { DEFAULT_CLIENT_SCOPES, KNOWN_SCOPES } from '../oauth/scopes.ts';
import { type Command, DB_FLAG_LINE, flagLines, openCommandStore, requireFlags } from './command.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Schemes a browser would run or read locally instead of handing to an app. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

/**
 * A redirect URI as registered: absolute, no fragment (RFC 6749 §3.1.2), no credentials, https,
 * http only on a loopback address (a native app's local listener, RFC 8252 §7.3), or a native
 * app's own scheme. Throws ConfigError naming the URI otherwise.
 */
function checkRedirectUri(uri: string): string {
  const parsed = URL.parse(uri);
  const refuse = (why: string) => new ConfigError(`--redirect-uri "${uri}": ${why}.`);
  if (!parsed) throw refuse('not an absolute URI');
  if (uri.includes('#')) throw refuse('a redirect URI has no fragment');
  if (parsed.username || parsed.password) throw refuse('a redirect URI carries no credentials');
  if (FORBIDDEN_SCHEMES.has(parsed.protocol)) throw refuse(`the ${parsed.protocol} scheme is not allowed`);
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw refuse('use https (http only on localhost, 127.0.0.1 or [::1])');
  }
  return uri;
}

/**
 * `client create --name N --redirect-uri URI… [--public] [--scope S]… [--first-party]`: registers
 * an OAuth client on the configured store and prints `{"client_id","client_secret"}`, the only
 * time the secret is shown (only its hash is stored). A public client (`--public`: a browser or
 * native app that cannot keep a secret) gets none and must use PKCE. `--scope` lists every scope
 * the client may request (default: openid profile email offline_access); `--first-party` skips
 * the consent page, for the platform's own apps.
 */
export const clientCreate: Command = {
  name: 'client create',
  summary: 'register an OAuth client',
  usage: `Usage: semaswift-auth client create --name N --redirect-uri URI [--redirect-uri URI]… [--public] [--scope S]… [--first-party] [--db DB]

Registers an OAuth client and prints {"client_id","client_secret"}, the only time the secret is
shown ({"client_id"} alone with --public).

${flagLines([
  ['--name N', 'shown on the consent page; at most 100 characters'],
  ['--redirect-uri URI', 'https, http on loopback, or an app scheme; repeatable'],
  ['--public', 'a browser or native app: no secret, PKCE required'],
  ['--scope S', `repeatable; default ${DEFAULT_CLIENT_SCOPES.join(' ')}`],
  ['--first-party', 'skip the consent page, for the platform’s own apps'],
  DB_FLAG_LINE,
])}`,
  flags: {
    db: { type: 'string' },
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    scope: { type: 'string', multiple: true },
    'first-party': { type: 'boolean' },
  },
  async run(values) {
    requireFlags(values, ['name', 'redirect-uri']);
    const name = (values.name as string).normalize('NFC').trim();
    if (name.length > 100) throw new ConfigError('--name must be at most 100 characters.');
    const redirectUris = [...new Set(values['redirect-uri'] as string[])].map(checkRedirectUri);
    const scopes = [...new Set((values.scope as string[] | undefined) ?? DEFAULT_CLIENT_SCOPES)];
    const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
    if (unknown.length > 0) {
      throw new ConfigError(
        `Unknown scope (--scope): ${unknown.join(', ')}. Scopes: ${KNOWN_SCOPES.join(', ')}.`,
      );
    }
    const isPublic = values.public === true;
    const secret = isPublic ? undefined : generateClientSecret();

    const store = await openCommandStore(values);
    try {
      const id = generateClientId();
      await store.createOAuthClient({
        id,
        name,
        secretHash: secret === undefined ? null : hashClientSecret(secret),
        redirectUris,
        scopes,
        firstParty: values['first-party'] === true,
        createdAt: Math.floor(Date.now() / 1000),
      });
      return secret === undefined ? { client_id: id } : { client_id: id, client_secret: secret };
    } finally {
      await store.close();
    }
  },
};
