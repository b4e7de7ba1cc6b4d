import { FAVICON_URL } from './favicon.ts';
import { html, type SafeHtml } from './html.ts';
import { STYLESHEET_PATH } from './stylesheet.ts';

export interface PageOptions {
  /** The document title, also the page's heading. */
  title: string;
  /** A line under the heading (who is asking, who is signed in). */
  lead?: SafeHtml | string | undefined;
  /** An error to announce (an alert, read out by screen readers). */
  error?: string | undefined;
  /** A notice that is not an error (a code was sent). */
  notice?: string | undefined;
  body: SafeHtml;
}

/**
 * The one page layout of our HTML pages (sign-in, consent, errors; the dashboard later): a single
 * centred card with the product name, a heading, an optional alert and the content. Semantic
 * landmarks, one `h1`, no script.
 */
export function renderPage(page: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${page.title} · Semaswift</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="icon" href="${FAVICON_URL}" type="image/svg+xml">
</head>
<body>
<header class="brand"><span class="brand-mark" aria-hidden="true">S</span> Semaswift</header>
<main class="card">
<h1>${page.title}</h1>
${page.lead === undefined ? '' : html`<p class="lead">${page.lead}</p>`}
${page.error === undefined ? '' : html`<p class="alert" role="alert">${page.error}</p>`}
${page.notice === undefined ? '' : html`<p class="notice" role="status">${page.notice}</p>`}
${page.body}
</main>
</body>
</html>
`.value;
}
