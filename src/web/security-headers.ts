import type { OutgoingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { HttpRequest } from '../server/http-types.ts';

/** A year: browsers then refuse plain HTTP to this host (RFC 6797); sent only over TLS. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * Whether the request came over TLS to this process (not a TLS-terminating proxy in front of it,
 * which sets its own HSTS). Under HTTP/2 `req.socket` stands for the session's TLS socket.
 */
export const isTls = (req: HttpRequest): boolean => (req.socket as TLSSocket | undefined)?.encrypted === true;

/**
 * Whether a form post may come from this page's `Origin`: ours, or none at all (older browsers
 * and non-browser clients send none; the CSRF token still guards those). `null` (a sandboxed
 * frame, or a page whose referrer policy hides its origin) is not ours.
 */
export function isSameOriginPost(req: HttpRequest, origin: string): boolean {
  const sent = req.headers.origin;
  return sent === undefined || sent === origin;
}

/**
 * The source expression allowing a redirect to `uri` after a form post: its origin for http(s), its
 * scheme for a native app's (`com.example.app:`). Anything else allows nothing.
 */
export function formActionSource(uri: string): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed) return undefined;
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
  return /^[a-z][a-z0-9+.-]*:$/i.test(parsed.protocol) ? parsed.protocol : undefined;
}

/**
 * Headers for an HTML page of ours: no script may run at all (there is none), styles only from our
 * own stylesheet, no framing (clickjacking), no referrer (interaction URLs stay private), never
 * cached. Browsers apply `form-action` to the redirects that follow a form post too, so a page
 * whose form ends in a redirect to a client lists that client's redirect targets in `formActions`.
 * `scripts: true` (the dashboard) allows scripts served by us, never inline ones. `sameOrigin`
 * (the dashboard) keeps the referrer within our origin instead: under `no-referrer` a browser
 * sends `Origin: null` with every form post, and the dashboard checks that header.
 */
export function pageHeaders(
  options: { formActions?: readonly string[]; scripts?: boolean; sameOrigin?: boolean } = {},
): OutgoingHttpHeaders {
  const formActions = ["'self'", ...(options.formActions ?? [])];
  const csp = [
    "default-src 'none'",
    ...(options.scripts ? ["script-src 'self'"] : []),
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action ${[...new Set(formActions)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': options.sameOrigin ? 'same-origin' : 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}
