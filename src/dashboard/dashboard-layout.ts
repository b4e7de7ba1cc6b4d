import { CSRF_FIELD } from '../web/csrf.ts';
import { FAVICON_URL } from '../web/favicon.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { STYLESHEET_PATH } from '../web/stylesheet.ts';
import { DASHBOARD_PATH } from './dashboard-client.ts';
import { dashboardScript } from './dashboard-script.ts';
import { dashboardStylesheet } from './dashboard-stylesheet.ts';
import type { FieldError } from './field-errors.ts';

/** The settings pages, in the navigation's order. */
export const SECTIONS = {
  'api-keys': { title: 'API Keys', path: `${DASHBOARD_PATH}/settings/api-keys` },
  security: { title: 'Security', path: `${DASHBOARD_PATH}/settings/security` },
} as const;

/** A settings page of the navigation. */
export type Section = keyof typeof SECTIONS;

/** What a signed-in page shows in the shell. */
export interface DashboardPage {
  /** The page's heading and document title. */
  title: string;
  /** Which settings page is current in the navigation. */
  section: Section;
  /** Who is signed in, as the header shows them. */
  account: string;
  /** For the sign-out form. */
  csrf: string;
  lead?: SafeHtml | string | undefined;
  /** Next to the heading (a primary action). */
  headerAction?: SafeHtml | undefined;
  error?: string | undefined;
  /** Refusals of the form's fields: summed up at the top, each linking to its field. */
  errors?: readonly FieldError[] | undefined;
  notice?: string | undefined;
  body: SafeHtml;
}

/** The alert at the top of the page: the page's error, or its fields' errors as links to them. */
function errorSummary(error: string | undefined, errors: readonly FieldError[]): SafeHtml | string {
  if (error !== undefined) return html`<p class="alert" role="alert">${error}</p>`;
  const [only] = errors;
  if (only === undefined) return '';
  const link = (e: FieldError) => html`<a href="#${e.field}">${e.message}</a>`;
  if (errors.length === 1) return html`<p class="alert" role="alert">${link(only)}</p>`;
  return html`<div class="alert" role="alert"><p>There are ${errors.length} problems:</p>
<ul>${errors.map((e) => html`<li>${link(e)}</li>`)}</ul></div>`;
}

/** The hidden field every form of ours carries. */
export const csrfInput = (csrf: string): SafeHtml =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;

/**
 * The dashboard's page: the product header with the account and a sign-out button, the settings
 * navigation (a sidebar on a laptop, tabs on a phone), and the page in `main`. The same brand,
 * colours and controls as the sign-in pages; a skip link, landmarks, one `h1`, alerts announced,
 * and a live region the script uses to say "Copied".
 */
export function renderDashboardPage(page: DashboardPage): string {
  const links = (Object.entries(SECTIONS) as Array<[Section, (typeof SECTIONS)[Section]]>).map(
    ([key, { title, path }]) =>
      html`<li><a href="${path}"${key === page.section ? html` aria-current="page"` : ''}>${title}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${page.title} · Settings · Semaswift</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="stylesheet" href="${dashboardStylesheet.url}">
<link rel="icon" href="${FAVICON_URL}" type="image/svg+xml">
<script src="${dashboardScript.url}" defer></script>
</head>
<body class="app">
<a class="skip-link" href="#main">Skip to main content</a>
<header class="app-header">
<a class="brand" href="${DASHBOARD_PATH}"><span class="brand-mark" aria-hidden="true">S</span> Semaswift</a>
<div class="account"><span class="account-name" title="Signed in as ${page.account}">${page.account}</span>
<form method="post" action="${DASHBOARD_PATH}/sign-out" class="inline-form">${csrfInput(page.csrf)}
<button type="submit" class="secondary small">Sign out</button></form></div>
</header>
<div class="app-shell">
<nav class="side-nav" aria-labelledby="settings-nav-title"><p class="nav-title" id="settings-nav-title">Settings</p>
<ul>${links}</ul></nav>
<main id="main" class="app-main" tabindex="-1">
<div class="page-head"><div>
<p class="eyebrow">Settings › <a href="${SECTIONS[page.section].path}">${SECTIONS[page.section].title}</a></p>
<h1>${page.title}</h1>
${page.lead === undefined ? '' : html`<p class="lead">${page.lead}</p>`}
</div>${page.headerAction ?? ''}</div>
${errorSummary(page.error, page.errors ?? [])}
${page.notice === undefined ? '' : html`<p class="notice" role="status">${page.notice}</p>`}
${page.body}
</main>
</div>
<div id="live-status" class="visually-hidden" role="status" aria-live="polite"></div>
</body>
</html>
`.value;
}
