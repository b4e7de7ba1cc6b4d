import type { Grant, InteractionResults, KoaContextWithOIDC, PromptDetail } from 'oidc-provider';
import { PERMISSIONS } from '../users/roles.ts';
import { isFirstParty } from './client-metadata.ts';
import type { OAuthStore } from './oauth-store.ts';

type Consents = Pick<OAuthStore, 'findOAuthConsent' | 'saveOAuthConsent'>;

/** What a grant may be given without asking: its scopes, or every requested one (first party). */
type Allowance = ReadonlySet<string> | 'all';

const PERMISSION_SCOPES: ReadonlySet<string> = new Set(PERMISSIONS);
const isPermission = (scope: string) => PERMISSION_SCOPES.has(scope);

/**
 * Permission scopes are registered as OIDC scopes too (a client's `scope` may only name those), so
 * oidc-provider also wants them settled on the grant's OIDC side. They are granted on the API
 * resource only, whose scopes are those the user holds (provider-config.ts); on the OIDC side they
 * are set aside (rejected), so that side neither asks for them nor grants one the user lacks.
 */
function settleOIDCScopes(grant: Grant, scopes: readonly string[]): void {
  const oidc = scopes.filter((scope) => !isPermission(scope));
  const permissions = scopes.filter(isPermission);
  if (oidc.length > 0) grant.addOIDCScope(oidc);
  if (permissions.length > 0) grant.rejectOIDCScope(permissions);
}

/**
 * Adds to `grant` the requested scopes `allowed` covers: OIDC scopes, and for each resource the
 * scopes it offers (for our API: the permission scopes the user holds). Resolves whether the grant
 * changed.
 */
function extendGrant(ctx: KoaContextWithOIDC, grant: Grant, allowed: Allowance): boolean {
  const covers = (scope: string) => allowed === 'all' || allowed.has(scope);
  const before = JSON.stringify([grant.openid, grant.resources, grant.rejected]);
  settleOIDCScopes(
    grant,
    [...ctx.oidc.requestParamOIDCScopes].filter((scope) => isPermission(scope) || covers(scope)),
  );
  for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
    const scopes = [...ctx.oidc.requestParamScopes].filter((s) => server.scopes.has(s) && covers(s));
    if (scopes.length > 0) grant.addResourceScope(indicator, scopes);
  }
  return JSON.stringify([grant.openid, grant.resources, grant.rejected]) !== before;
}

/**
 * oidc-provider's `loadExistingGrant`: the grant this browser session already holds for the client,
 * extended with what needs no consent page: everything for a first-party client, and what the user
 * allowed this client before (remembered per user and client, across sessions). Undefined when
 * there is none: the consent page asks.
 */
export function createLoadExistingGrant(consents: Consents) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session, provider } = ctx.oidc;
    const accountId = session?.accountId;
    if (!client || !session || !accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const held = grantId ? await provider.Grant.find(grantId) : undefined;
    let allowed: Allowance | undefined;
    if (isFirstParty(client)) allowed = 'all';
    else {
      const remembered = await consents.findOAuthConsent(accountId, client.clientId);
      if (remembered) allowed = new Set(remembered.scopes);
    }
    if (!allowed) return held;
    const grant = held ?? new provider.Grant({ accountId, clientId: client.clientId });
    if (extendGrant(ctx, grant, allowed) || !held) await grant.save();
    return grant;
  };
}

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * What the consent page shows and approves: the prompt's missing scopes. Permission scopes are
 * named by the resources only, which offer those the user holds.
 */
export function requestedByPrompt(prompt: PromptDetail): {
  oidc: string[];
  resources: Record<string, string[]>;
} {
  const details = prompt.details as ConsentDetails;
  return {
    oidc: (details.missingOIDCScope ?? []).filter((scope) => !isPermission(scope)),
    resources: details.missingResourceScopes ?? {},
  };
}

/**
 * The user allowed what the consent prompt asked: adds it to the interaction's grant (or a new
 * one), remembers it for this user and client, and answers the interaction result.
 */
export async function approveConsent(
  deps: { consents: Consents; now: () => number },
  interaction: {
    grantId?: string | undefined;
    prompt: PromptDetail;
    session?: { accountId: string } | undefined;
    params: Record<string, unknown>;
  },
  provider: { Grant: typeof Grant },
): Promise<InteractionResults> {
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  if (!accountId || typeof clientId !== 'string') throw new Error('consent without a signed-in user');
  const grant =
    (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId });
  const { oidc, resources } = requestedByPrompt(interaction.prompt);
  settleOIDCScopes(grant, (interaction.prompt.details as ConsentDetails).missingOIDCScope ?? []);
  for (const [indicator, scopes] of Object.entries(resources)) grant.addResourceScope(indicator, scopes);
  const grantId = await grant.save();

  const remembered = await deps.consents.findOAuthConsent(accountId, clientId);
  const scopes = new Set([...(remembered?.scopes ?? []), ...oidc, ...Object.values(resources).flat()]);
  await deps.consents.saveOAuthConsent({
    userId: accountId,
    clientId,
    scopes: [...scopes],
    grantedAt: deps.now(),
  });
  return { consent: { grantId } };
}
