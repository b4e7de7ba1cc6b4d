import { ConfigError, parseCommandLine, resolveConfig } from '../config/config.ts';
import { generateClientId, generateClientSecret, hashClientSecret } from '../oauth/client-secret.ts';
import { DEFAULT_CLIENT_SCOPES, KNOWN_SCOPES } from '../oauth/scopes.ts';
import { openStore } from '../storage/open-store.ts';

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
export async function clientCreate(args: string[]) {
  const { values } = parseCommandLine(args, {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    scope: { type: 'string', multiple: true },
    'first-party': { type: 'boolean' },
  });
  const name = typeof values.name === 'string' ? values.name.normalize('NFC').trim() : '';
  if (!name || name.length > 100)
    throw new ConfigError('client create needs --name (at most 100 characters).');
  const redirectUris = [...new Set((values['redirect-uri'] as string[] | undefined) ?? [])].map(
    checkRedirectUri,
  );
  if (redirectUris.length === 0) throw new ConfigError('client create needs at least one --redirect-uri.');
  const scopes = [...new Set((values.scope as string[] | undefined) ?? DEFAULT_CLIENT_SCOPES)];
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
  if (unknown.length > 0) {
    throw new ConfigError(`Unknown scope: ${unknown.join(', ')}. Scopes: ${KNOWN_SCOPES.join(', ')}.`);
  }
  const isPublic = values.public === true;
  const secret = isPublic ? undefined : generateClientSecret();

  const store = await openStore(resolveConfig(values as Record<string, string>).db);
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
}
