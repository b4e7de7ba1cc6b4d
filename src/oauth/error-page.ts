import type { KoaContextWithOIDC } from 'oidc-provider';
import { html } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import { pageHeaders } from '../web/security-headers.ts';

/** What to tell a person for the errors they can meet in a browser; the rest get a generic line. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  invalid_client: 'The application that sent you here is not registered with Semaswift.',
  invalid_redirect_uri: 'The application asked to send you back to an address it has not registered.',
  invalid_request: 'The application sent an incomplete or malformed sign-in request.',
  invalid_scope: 'The application asked for access it is not allowed to request.',
  unsupported_response_type: 'The application asked for a kind of sign-in Semaswift does not offer.',
  session_not_found: 'This sign-in page has expired or was opened in another browser.',
};

/**
 * The error page, for when oidc-provider cannot (or must not) redirect back to the client: an
 * unknown client, a redirect URI that is not registered exactly, an expired interaction. It names
 * the error and oidc-provider's description (never a secret), and points back to the application.
 */
export function renderErrorPage(error: string, description: string | undefined): string {
  return renderPage({
    title: 'Sign-in could not continue',
    lead: EXPLANATIONS[error] ?? 'Something went wrong while signing you in.',
    body: html`<p>Go back to the application and try again. If this keeps happening, contact the
application’s support with these details:</p>
<dl class="details">
<dt>Error</dt><dd><code>${error}</code></dd>
${description ? html`<dt>Details</dt><dd>${description}</dd>` : ''}
</dl>`,
  });
}

/** oidc-provider's `renderError`, with our layout and headers; the status it chose is kept. */
export async function renderProviderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string | undefined },
): Promise<void> {
  ctx.set(pageHeaders() as Record<string, string>);
  ctx.body = renderErrorPage(out.error, out.error_description);
}
