import type { KoaContextWithOIDC } from 'oidc-provider';
import { formActionSource, pageHeaders } from '../web/security-headers.ts';

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

/** The endpoints a client calls itself, never through a browser. */
const BACK_CHANNEL_PATHS = new Set(['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect']);

/** oidc-provider's description when a request names no client at all. */
const NO_CLIENT_AUTHENTICATION = 'no client authentication mechanism provided';

interface ErrorBody {
  error?: unknown;
  error_description?: unknown;
}

/**
 * Where oidc-provider's answers at the token, revocation and introspection endpoints differ from
 * the RFCs, they are corrected after it ran:
 * - a request without any client authentication is 401 `invalid_client` (RFC 6749 §5.2 names
 *   that case), not 400 `invalid_request`;
 * - a public client may not introspect (RFC 7662 §2.1 wants the caller authenticated, and a
 *   client_id proves nothing): 401 `invalid_client`, whatever the token. It may still revoke its
 *   tokens, which RFC 7009 allows;
 * - revocation answers 200 with an empty body and no content type (RFC 7009 §2.2), whichever
 *   path revoked the token;
 * - every answer is `no-store` (RFC 6749 §5.1), which oidc-provider leaves out on revocation.
 * Their answers are JSON whatever the request's Accept says (a browser's would otherwise get
 * oidc-provider's HTML error page), so there is one body to correct.
 */
export function backChannelAnswers(): Middleware {
  return async (ctx, next) => {
    if (!BACK_CHANNEL_PATHS.has(ctx.path) || ctx.method !== 'POST') return next();
    ctx.req.headers.accept = 'application/json';
    await next();
    const body = ctx.body as ErrorBody | undefined;
    if (
      ctx.status === 400 &&
      body?.error === 'invalid_request' &&
      body.error_description === NO_CLIENT_AUTHENTICATION
    ) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: NO_CLIENT_AUTHENTICATION };
    } else if (ctx.oidc?.route === 'introspection' && ctx.oidc.client?.clientAuthMethod === 'none') {
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: 'public clients cannot use the introspection endpoint',
      };
    }
    if (ctx.oidc?.route === 'revocation' && ctx.status === 200) {
      ctx.body = '';
      ctx.remove('content-type');
    }
    ctx.set('cache-control', 'no-store');
  };
}

/** `/oauth2/auth` and `/oauth2/auth/<uid>` (where a sign-in resumes): pages a browser shows. */
const BROWSER_PATH = /^\/oauth2\/auth(?:\/[\w-]{10,64})?$/;

/**
 * The authorization endpoint's own pages run under a Content-Security-Policy too. The one with a
 * script is the `form_post` response (an auto-submitting form): oidc-provider adds the SHA-256 of
 * its inline script to a `script-src` it finds, so the policy is set before it runs, with
 * `script-src` present. That form posts to the client, so once the client is known its redirect
 * targets join `form-action`. (An error page replaces these headers with its own, script-free.)
 */
export function authorizationPageHeaders(): Middleware {
  const headers = pageHeaders({ scripts: true });
  return async (ctx, next) => {
    if (!BROWSER_PATH.test(ctx.path)) return next();
    ctx.set('content-security-policy', String(headers['content-security-policy']));
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('x-frame-options', 'DENY');
    await next();
    const csp = ctx.response.get('content-security-policy');
    const client = ctx.oidc?.client;
    if (csp.includes("'sha256-") && client) {
      const targets = (client.redirectUris ?? []).flatMap((uri) => formActionSource(uri) ?? []);
      ctx.set('content-security-policy', withFormActions(csp, targets));
    }
  };
}

function withFormActions(csp: string, targets: readonly string[]): string {
  return csp
    .split(';')
    .map((directive) => directive.trim())
    .map((directive) =>
      directive.startsWith('form-action ')
        ? `form-action ${[...new Set(["'self'", ...targets])].join(' ')}`
        : directive,
    )
    .join('; ');
}
