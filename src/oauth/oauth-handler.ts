import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { KeyRing } from '../keys/key-ring.ts';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import { pageHeaders } from '../web/security-headers.ts';
import { serveStylesheet } from '../web/stylesheet.ts';
import { redirectAuthorizationPost } from './authorization-post.ts';
import { renderErrorPage } from './error-page.ts';
import { INTERACTION_PATH } from './provider-config.ts';
import { keyFingerprint, type ProviderKeys, providerKeysOf } from './provider-keys.ts';

/**
 * oidc-provider's endpoints, at the paths of CONTRACT §7, and the methods each answers. OPTIONS is
 * its CORS preflight; `POST /oauth2/auth` is ours (authorization-post.ts).
 */
const PROVIDER_METHODS: ReadonlyMap<string, readonly string[]> = new Map([
  ['/.well-known/openid-configuration', ['GET', 'HEAD', 'OPTIONS']],
  ['/oauth2/auth', ['GET', 'HEAD', 'POST']],
  ['/oauth2/token', ['POST', 'OPTIONS']],
  ['/oauth2/revoke', ['POST', 'OPTIONS']],
  ['/oauth2/introspect', ['POST', 'OPTIONS']],
]);
/** `/oauth2/auth/<uid>` resumes a sign-in. */
const RESUME_PATH = /^\/oauth2\/auth\/[\w-]{10,64}$/;
const RESUME_METHODS: readonly string[] = ['GET', 'HEAD'];

/** The current oidc-provider instance, rebuilt when the key ring's keys change. */
export interface ProviderHost {
  current(): Provider;
}

/**
 * oidc-provider fixes its signing keys when it is built, so the host compares the key ring's kids
 * on every use (a string of a few kids) and builds a new instance when a rotation (here, or seen in
 * storage) changed them. Everything it keeps lives in storage, so nothing is lost in the switch;
 * requests already running finish on the old instance, whose key stays published.
 */
export function createProviderHost(
  keyRing: Pick<KeyRing, 'keys'>,
  build: (keys: ProviderKeys) => Provider,
): ProviderHost {
  let built: { fingerprint: string; provider: Provider } | undefined;
  return {
    current() {
      if (!built || built.fingerprint !== keyFingerprint(keyRing)) {
        const keys = providerKeysOf(keyRing);
        built = { fingerprint: keys.fingerprint, provider: build(keys) };
      }
      return built.provider;
    },
  };
}

export interface OAuthHandlerDeps {
  issuer: string;
  host: ProviderHost;
  interactions: (req: HttpRequest, res: HttpResponse) => Promise<boolean>;
  userinfo: (req: HttpRequest, res: HttpResponse) => Promise<void>;
  logger: Logger;
}

/**
 * The OAuth 2.0 / OIDC part of the main port: discovery and oidc-provider's endpoints, our
 * userinfo, the sign-in pages and their stylesheet. Answers true when the path was one of these.
 *
 * Before oidc-provider sees a request, X-Forwarded-Proto and -Host are set from `--issuer`: every
 * URL it writes (discovery, redirects) then starts with the issuer whatever Host the client sent,
 * and its cookies are Secure exactly when the issuer is https (TLS here or at Envoy).
 */
export function createOAuthHandler(deps: OAuthHandlerDeps) {
  const issuer = new URL(deps.issuer);
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const asIssuerOrigin = (req: HttpRequest) => {
    req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = issuer.host;
    delete req.headers['x-forwarded-for'];
  };

  return async (req: HttpRequest, res: HttpResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (serveStylesheet(req, res)) return true;
    if (path === '/oauth2/userinfo') {
      await deps.userinfo(req, res);
      return true;
    }
    const isInteraction = path.startsWith(`${INTERACTION_PATH}/`);
    const methods = isInteraction
      ? undefined
      : (PROVIDER_METHODS.get(path) ?? (RESUME_PATH.test(path) ? RESUME_METHODS : undefined));
    if (!isInteraction && !methods) return false;
    if (methods && !methods.includes(req.method ?? 'GET')) {
      methodNotAllowed(req, res, path, methods);
      return true;
    }
    if (path === '/oauth2/auth' && req.method === 'POST') {
      await redirectAuthorizationPost(req, res);
      return true;
    }
    asIssuerOrigin(req);
    if (methods) {
      const provider = deps.host.current();
      let callback = callbacks.get(provider);
      if (!callback) {
        callback = provider.callback();
        callbacks.set(provider, callback);
      }
      await callback(req as Parameters<typeof callback>[0], res as Parameters<typeof callback>[1]);
      return true;
    }
    try {
      if (await deps.interactions(req, res)) return true;
    } catch (error) {
      deps.logger.error({ err: error }, 'sign-in page failed');
      if (!res.headersSent) sendResponse(res, 500, pageHeaders(), renderErrorPage('server_error', undefined));
      else res.destroy();
      return true;
    }
    return false;
  };
}
