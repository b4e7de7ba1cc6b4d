import type { OutgoingHttpHeaders } from 'node:http';

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
 * `scripts: true` (the dashboard) allows scripts served by us, never inline ones.
 */
export function pageHeaders(
  options: { formActions?: readonly string[]; scripts?: boolean } = {},
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
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}
