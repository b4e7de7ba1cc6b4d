import { createHash } from 'node:crypto';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';

/** Where the pages' stylesheet is served (the only one: the CSP allows styles from us alone). */
export const STYLESHEET_PATH = '/assets/semaswift.css';

/** Plain CSS: readable contrast in light and dark, visible focus, large touch targets. */
const CSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --accent: #1f5fd1; --accent-text: #ffffff; --danger-bg: #fdecec; --danger: #a40e26;
  --notice-bg: #e8f1fd; --focus: #0b57d0;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #181c22; --text: #e6e8eb; --muted: #a3acb7; --border: #353c45;
    --accent: #5b93f5; --accent-text: #0b0d10; --danger-bg: #3a1417; --danger: #ffb3b8;
    --notice-bg: #16263d; --focus: #8ab4f8;
  }
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center;
  padding: 2.5rem 1rem; background: var(--bg); color: var(--text); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.brand { display: flex; align-items: center; gap: .5rem; font-weight: 600; font-size: 1.125rem; margin-bottom: 1.5rem; }
.brand-mark {
  display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: .5rem;
  background: var(--accent); color: var(--accent-text); font-weight: 700;
}
.card {
  width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--border);
  border-radius: .75rem; padding: 2rem; box-shadow: 0 1px 3px rgb(0 0 0 / .08);
}
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
.lead { color: var(--muted); margin: 0 0 1.5rem; }
.alert { background: var(--danger-bg); color: var(--danger); border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1rem; }
.notice { background: var(--notice-bg); border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1rem; }
form { margin: 0; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .375rem; }
.hint { color: var(--muted); font-size: .875rem; margin: .25rem 0 0; }
input[type=email], input[type=password], input[type=text] {
  width: 100%; font: inherit; padding: .625rem .75rem; border: 1px solid var(--border);
  border-radius: .5rem; background: var(--card); color: var(--text);
}
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 600; margin-bottom: .375rem; padding: 0; }
.choice { display: flex; align-items: flex-start; gap: .5rem; padding: .25rem 0; font-weight: 400; }
.choice input { margin-top: .3rem; }
.choice .hint { display: block; margin: 0; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
.actions > * { flex: 1; }
button {
  font: inherit; font-weight: 600; min-height: 2.75rem; padding: .5rem 1rem; border-radius: .5rem;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); cursor: pointer;
}
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
.link-button { background: none; border: 0; color: var(--accent); padding: 0; min-height: 0; font-weight: 600; text-decoration: underline; }
.scopes { list-style: none; padding: 0; margin: 0 0 1rem; border: 1px solid var(--border); border-radius: .5rem; }
.scopes li { padding: .75rem 1rem; border-top: 1px solid var(--border); }
.scopes li:first-child { border-top: 0; }
.scopes strong { display: block; }
.scopes span { color: var(--muted); font-size: .875rem; }
.secondary-forms { margin-top: 1rem; display: flex; flex-wrap: wrap; gap: 1rem; }
.fine-print { color: var(--muted); font-size: .875rem; margin: 1rem 0 0; }
.details { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; margin: 1rem 0 0; }
.details dt { font-weight: 600; }
.details dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875rem; }
`;

const ETAG = `"${createHash('sha256').update(CSS).digest('base64url').slice(0, 16)}"`;

/** Serves the stylesheet at {@link STYLESHEET_PATH}; answers true when the request was for it. */
export function serveStylesheet(req: HttpRequest, res: HttpResponse): boolean {
  if ((req.url ?? '').split('?')[0] !== STYLESHEET_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    methodNotAllowed(req, res, STYLESHEET_PATH, ['GET', 'HEAD']);
    return true;
  }
  const headers = {
    'content-type': 'text/css; charset=utf-8',
    'cache-control': 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
    etag: ETAG,
  };
  if (req.headers['if-none-match'] === ETAG) sendResponse(res, 304, headers);
  else sendResponse(res, 200, headers, req.method === 'HEAD' ? undefined : CSS);
  return true;
}
