import type { PatManager } from '../pats/pat-manager.ts';
import type { Store } from '../storage/store.ts';
import { html } from '../web/html.ts';
import {
  API_KEYS_LEAD,
  API_KEYS_PATH,
  DATE_FIELD,
  MAX_NAME_LENGTH,
  NEW_TOKEN_PATH,
  type NewTokenValues,
  newTokenForm,
  newTokenPanel,
  permissionId,
  presetId,
  revokeConfirmation,
  type TokenRow,
  tokenTable,
} from './api-keys-view.ts';
import { redirectTo, type SignedIn, sendDashboardPage } from './dashboard-http.ts';
import type { FieldError } from './field-errors.ts';
import { refusalOf } from './refusal.ts';
import { expiryChoices, parseExpiry } from './token-expiry.ts';

/** What the API Keys pages use: the PAT domain, the org's users (owners' emails), the PAT bounds. */
export interface ApiKeyRouteDeps {
  pats: PatManager;
  users: Pick<Store, 'listUsersByOrganization'>;
  issuer: string;
  maxTtlSeconds: number;
  now: () => number;
}

/**
 * Settings > API Keys. Every read and change goes through the PAT domain with the principal of the
 * dashboard's access token, so what a person may see, create and revoke here is exactly what the
 * API allows them: their own tokens, and their organization's with `pat:read` / `pat:write`.
 */
export function createApiKeyRoutes(deps: ApiKeyRouteDeps) {
  const { pats } = deps;

  function showForm(
    ctx: SignedIn,
    status: number,
    values?: NewTokenValues,
    refusal?: { error?: string; errors?: FieldError[] },
  ): void {
    sendDashboardPage(ctx, status, {
      title: 'Create New Token',
      section: 'api-keys',
      lead: 'The token is shown once, right after you create it.',
      error: refusal?.error,
      errors: refusal?.errors,
      body: newTokenForm({
        csrf: ctx.csrf,
        values,
        errors: refusal?.errors,
        choices: expiryChoices(deps.now(), deps.maxTtlSeconds),
        maxDays: Math.floor(deps.maxTtlSeconds / 86_400),
        ownPermissions: ctx.principal.permissions,
      }),
    });
  }

  return {
    async list(ctx: SignedIn): Promise<void> {
      const { principal } = ctx;
      const own = await pats.list(principal, false);
      const orgRows: TokenRow[] = [];
      if (principal.permissions.includes('pat:read')) {
        const others = (await pats.list(principal, true)).filter((v) => v.record.userId !== principal.userId);
        const emails = new Map(
          others.length === 0
            ? []
            : (await deps.users.listUsersByOrganization(principal.organizationId)).map((u) => [
                u.id,
                u.email,
              ]),
        );
        const canRevoke = principal.permissions.includes('pat:write');
        for (const view of others) orgRows.push({ view, owner: emails.get(view.record.userId), canRevoke });
      }
      const created = ctx.flash?.newToken;
      const now = deps.now();
      const table = (rows: TokenRow[], withOwner: boolean) =>
        tokenTable(rows, { csrf: ctx.csrf, now, withOwner });
      sendDashboardPage(ctx, 200, {
        title: 'API Keys',
        section: 'api-keys',
        lead: API_KEYS_LEAD,
        headerAction: html`<a class="button" href="${NEW_TOKEN_PATH}">Create New Token</a>`,
        body: html`${created ? newTokenPanel(created, deps.issuer) : ''}
<section class="panel" aria-labelledby="own-tokens-title"><h2 id="own-tokens-title">Your tokens</h2>
${
  own.length === 0
    ? html`<p class="empty">You have no tokens yet. Create one for a script or a CI pipeline.</p>`
    : table(
        own.map((view) => ({ view, canRevoke: true })),
        false,
      )
}</section>
${
  principal.permissions.includes('pat:read')
    ? html`<section class="panel" aria-labelledby="org-tokens-title"><h2 id="org-tokens-title">Your organization’s tokens</h2>
<p>Tokens other people in your organization created.</p>
${orgRows.length === 0 ? html`<p class="empty">No one else has a token.</p>` : table(orgRows, true)}</section>`
    : ''
}`,
      });
    },

    async showNew(ctx: SignedIn): Promise<void> {
      showForm(ctx, 200);
    },

    async create(ctx: SignedIn): Promise<void> {
      const { form, principal } = ctx;
      const values: NewTokenValues = {
        name: form.get('name') ?? '',
        expiresIn: form.get('expires_in') ?? '',
        expiresOn: form.get('expires_on') ?? '',
        permissions: form.getAll('permissions'),
      };
      // Checked here, in the form's words and in its order, so that each message names the field
      // people see and focus lands on the first one to fix; the PAT domain checks them again.
      const errors: FieldError[] = [];
      const name = values.name.normalize('NFC').trim();
      if (name === '') errors.push({ field: 'name', message: 'Enter a name for the token.' });
      else if (name.length > MAX_NAME_LENGTH) {
        errors.push({
          field: 'name',
          message: `The name can be at most ${MAX_NAME_LENGTH} characters long.`,
        });
      }
      const now = deps.now();
      const expiresAt = parseExpiry(form, now, deps.maxTtlSeconds);
      if (typeof expiresAt !== 'number') {
        const firstPreset = expiryChoices(now, deps.maxTtlSeconds).presets[0];
        const presetField = firstPreset ? presetId(firstPreset.days) : 'expires-custom';
        errors.push({
          field: expiresAt.field === 'date' ? DATE_FIELD : presetField,
          message: expiresAt.message,
        });
      }
      if (principal.permissions.length > 0 && values.permissions.length === 0) {
        errors.push({ field: permissionId(0), message: 'Choose at least one permission.' });
      }
      if (errors.length > 0 || typeof expiresAt !== 'number') return showForm(ctx, 400, values, { errors });
      try {
        const { token, view } = await pats.create(
          principal,
          { name: values.name, expiresAt, permissions: [...values.permissions] },
          ctx.clientAddress,
        );
        ctx.setFlash({ newToken: { name: view.record.name, token, expiresAt: view.record.expiresAt } });
      } catch (error) {
        const { status, message } = refusalOf(error);
        return showForm(ctx, status, values, { error: message });
      }
      redirectTo(ctx, API_KEYS_PATH);
    },

    async revoke(ctx: SignedIn): Promise<void> {
      const id = ctx.form.get('id') ?? '';
      let name: string;
      try {
        name = (await pats.get(ctx.principal, id)).record.name;
      } catch (error) {
        ctx.setFlash({ error: refusalOf(error).message });
        return redirectTo(ctx, API_KEYS_PATH);
      }
      if (ctx.form.get('confirm') !== 'yes') {
        return sendDashboardPage(ctx, 200, {
          title: 'Revoke token',
          section: 'api-keys',
          body: revokeConfirmation({ csrf: ctx.csrf, id, name }),
        });
      }
      try {
        await pats.revoke(ctx.principal, id, ctx.clientAddress);
        ctx.setFlash({ notice: `Revoked “${name}”. Anything using it is refused from now on.` });
      } catch (error) {
        ctx.setFlash({ error: refusalOf(error).message });
      }
      redirectTo(ctx, API_KEYS_PATH);
    },
  };
}
