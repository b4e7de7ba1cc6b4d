import type { PatView } from '../pats/pat-manager.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { DASHBOARD_PATH } from './dashboard-client.ts';
import { csrfInput } from './dashboard-layout.ts';
import { errorIdOf, type FieldError, fieldErrors } from './field-errors.ts';
import { dateTimeOf, timeOf } from './format.ts';
import { DEFAULT_PRESET, type ExpiryChoices } from './token-expiry.ts';

/** Settings > API Keys: the list, and where a new token is shown once. */
export const API_KEYS_PATH = `${DASHBOARD_PATH}/settings/api-keys`;
/** The "Create New Token" form (GET) and its action (POST). */
export const NEW_TOKEN_PATH = `${API_KEYS_PATH}/new`;
/** Revokes the token named in the form, after a confirmation. */
export const REVOKE_PATH = `${API_KEYS_PATH}/revoke`;

/** What each permission lets a token do, in the words of the page. */
export const PERMISSION_LABELS: Readonly<Record<string, string>> = {
  'user:read': 'See the people in your organization',
  'user:write': 'Add, change and remove people',
  'ticket:read': 'Read tickets',
  'ticket:write': 'Create and change tickets',
  'pat:read': 'See the access tokens of your organization',
  'pat:write': 'Create and revoke access tokens',
};

/** The line under the page's heading: what a PAT is for and how to send it. */
export const API_KEYS_LEAD = html`Personal access tokens let scripts and CI/CD pipelines call the Semaswift API
as you. Send one as <code>X-API-Key</code> or <code>Authorization: Bearer</code>.`;

/** The token just created, shown this once, with a copy button and the warning. */
export function newTokenPanel(
  created: { name: string; token: string; expiresAt: number },
  issuer: string,
): SafeHtml {
  // The page is new, so a live region alone would not be read out: focus goes to the heading (the
  // only focus move a page without inline script can make), and the status role marks the panel.
  return html`<section class="panel success" role="status" aria-labelledby="new-token-title">
<h2 id="new-token-title" tabindex="-1" autofocus>Your new token “${created.name}”</h2>
<p class="warning"><strong>Copy your token now. It won’t be shown again.</strong></p>
<div class="secret-box"><label class="visually-hidden" for="new-token">New personal access token</label>
<input id="new-token" type="text" readonly value="${created.token}" autocomplete="off" spellcheck="false">
<button type="button" data-copy="new-token" hidden>Copy</button></div>
<p class="muted">It expires ${dateTimeOf(created.expiresAt)}. For example:</p>
<pre class="example"><code>curl ${issuer}/api/v1/users/me -H "X-API-Key: $SEMASWIFT_TOKEN"</code></pre>
</section>`;
}

/** One token in a list, with whether the viewer may revoke it. */
export interface TokenRow {
  view: PatView;
  /** The owner's email, for the organization's list. */
  owner?: string | undefined;
  canRevoke: boolean;
}

/** A list of tokens: a table on a laptop, stacked cards on a phone. */
export function tokenTable(
  rows: readonly TokenRow[],
  options: { csrf: string; now: number; withOwner: boolean },
) {
  const body = rows.map(({ view: { record, effectivePermissions }, owner, canRevoke }) => {
    const expired = record.expiresAt <= options.now;
    return html`<tr>
<td data-label="Name"><strong>${record.name}</strong><br><code class="muted">${record.tokenHint}…</code></td>
${options.withOwner ? html`<td data-label="Owner">${owner ?? 'Unknown'}</td>` : ''}
<td data-label="Permissions"><ul class="perm-list">${effectivePermissions.map((p) => html`<li class="perm">${p}</li>`)}</ul>${effectivePermissions.length === 0 ? html`<span class="muted">None</span>` : ''}</td>
<td data-label="Created">${timeOf(record.createdAt)}</td>
<td data-label="Expires">${timeOf(record.expiresAt)}${expired ? html` <span class="badge warn">Expired</span>` : ''}</td>
<td data-label="Last used">${record.lastUsedAt === null ? html`<span class="muted">Never</span>` : timeOf(record.lastUsedAt)}</td>
<td class="actions-cell">${
      canRevoke
        ? html`<form method="post" action="${REVOKE_PATH}" class="inline-form" data-confirm="Revoke “${record.name}”? Anything using it stops working at once.">${csrfInput(options.csrf)}
<input type="hidden" name="id" value="${record.id}"><button type="submit" class="danger small" aria-label="Revoke ${record.name}">Revoke</button></form>`
        : ''
    }</td>
</tr>`;
  });
  return html`<table class="stack"><thead><tr><th scope="col">Name</th>${options.withOwner ? html`<th scope="col">Owner</th>` : ''}
<th scope="col">Permissions</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th>
<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${body}</tbody></table>`;
}

/** What the form held, to show it again with an error. */
export interface NewTokenValues {
  name: string;
  expiresIn: string;
  expiresOn: string;
  permissions: readonly string[];
}

/** The longest token name the PAT domain takes. */
export const MAX_NAME_LENGTH = 100;

/** The id of a preset's radio button. */
export const presetId = (days: number): string => `expires-${days}`;
/** The date picker of "Custom date". */
export const DATE_FIELD = 'expires-on';
/** The id of the n-th permission's checkbox. */
export const permissionId = (index: number): string => `permission-${index}`;

/** The "Create New Token" form: a name, an expiration (presets or a date), permissions. */
export function newTokenForm(options: {
  csrf: string;
  values: NewTokenValues | undefined;
  errors?: readonly FieldError[] | undefined;
  choices: ExpiryChoices;
  maxDays: number;
  ownPermissions: readonly string[];
}): SafeHtml {
  const { values, choices } = options;
  const errors = fieldErrors(options.errors);
  const chosen = values?.expiresIn ?? String(DEFAULT_PRESET);
  const firstPreset = choices.presets[0] === undefined ? 'expires-custom' : presetId(choices.presets[0].days);
  const radio = (id: string, value: string) =>
    html`<input type="radio" id="${id}" name="expires_in" value="${value}"${value === chosen ? html` checked` : ''}${errors.attributes(id, { errorOf: firstPreset })}>`;
  const presets = choices.presets.map(
    ({ days, expiresAt }) => html`<label class="choice">${radio(presetId(days), String(days))}
<span><span class="choice-title">${days} days</span> <span class="when">(until ${dateTimeOf(expiresAt)})</span></span></label>`,
  );
  const firstPermission = permissionId(0);
  const permissions = options.ownPermissions.map(
    (
      permission,
      index,
    ) => html`<label class="choice"><input type="checkbox" id="${permissionId(index)}" name="permissions" value="${permission}"${!values || values.permissions.includes(permission) ? html` checked` : ''}${errors.attributes(permissionId(index), { errorOf: firstPermission })}>
<span><code>${permission}</code> <span class="when">${PERMISSION_LABELS[permission] ?? ''}</span></span></label>`,
  );
  return html`<form method="post" action="${NEW_TOKEN_PATH}" class="panel narrow">${csrfInput(options.csrf)}
<div class="field short"><label for="name">Name</label>
<input id="name" name="name" type="text" required maxlength="${MAX_NAME_LENGTH}" autocomplete="off" value="${values?.name ?? ''}"${errors.attributes('name', { hint: 'name-hint', focusByDefault: true })}>
${errors.message('name')}<p class="hint" id="name-hint">What the token is for, like “CI deploy”.</p></div>
<fieldset aria-describedby="expiry-hint"><legend>Expiration</legend>
${errors.message(firstPreset)}<div class="choices">${presets}
<div class="custom-date"><label class="choice">${radio('expires-custom', 'custom')}<span class="choice-title">Custom date</span></label>
<label class="visually-hidden" for="${DATE_FIELD}">Expiration date</label>
<input type="date" id="${DATE_FIELD}" name="expires_on" min="${choices.minDate}" max="${choices.maxDate}" value="${values?.expiresOn ?? ''}"${errors.attributes(DATE_FIELD, { hint: 'expiry-hint' })}></div>
${errors.message(DATE_FIELD)}</div>
<p class="hint" id="expiry-hint">Tokens last at most ${options.maxDays} days. A custom date lasts until the end of that day (UTC); choose “Custom date” to use it.</p>
</fieldset>
${
  permissions.length > 0
    ? html`<fieldset aria-describedby="${errors.has(firstPermission) ? html`${errorIdOf(firstPermission)} ` : ''}permissions-hint"><legend>Permissions</legend>
${errors.message(firstPermission)}<div class="choices">${permissions}</div>
<p class="hint" id="permissions-hint">A token can do only what you can: if you lose a permission, your tokens lose it too.</p>
</fieldset>`
    : ''
}
<div class="button-row"><button type="submit">Create token</button><a class="button secondary" href="${API_KEYS_PATH}">Cancel</a></div>
</form>`;
}

/** Asked before revoking when the script did not ask already (or does not run). */
export function revokeConfirmation(options: { csrf: string; id: string; name: string }): SafeHtml {
  return html`<section class="panel narrow" aria-labelledby="revoke-title">
<h2 id="revoke-title">Revoke “${options.name}”?</h2>
<p>Scripts and pipelines using this token stop working at once. This cannot be undone.</p>
<form method="post" action="${REVOKE_PATH}">${csrfInput(options.csrf)}
<input type="hidden" name="id" value="${options.id}"><input type="hidden" name="confirm" value="yes">
<div class="button-row"><button type="submit" class="danger">Revoke token</button>
<a class="button secondary" href="${API_KEYS_PATH}">Cancel</a></div></form>
</section>`;
}
