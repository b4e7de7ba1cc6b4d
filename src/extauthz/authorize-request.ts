import { AuthError, insufficientPermissions } from '../errors/auth-error.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import type { Principal } from '../principal/principal.ts';
import type { RoutePolicy } from './route-policy.ts';

/** A request as Envoy describes it: lowercase header names, the path with its query string. */
export interface ProxiedRequest {
  headers: Readonly<Record<string, string>>;
  path: string;
  /** A credential header the request carried more than once (HTTP mode sees them apart). */
  repeatedHeader?: string | undefined;
}

export type Decision =
  | {
      allowed: true;
      principal: Principal;
      headersToSet: ReadonlyArray<readonly [string, string]>;
      headersToRemove: string[];
    }
  | { allowed: false; error: AuthError };

/** Identity headers we set upstream; any other `x-semaswift-*` a client sent is removed. */
const IDENTITY_PREFIX = 'x-semaswift-';

/**
 * Decides one proxied request: the same credential → principal function as every other entry
 * point, then the route's policy. Never throws: a failure of ours (storage down) is a denial.
 */
export async function authorizeRequest(
  authenticate: Authenticator,
  request: ProxiedRequest,
  policy: RoutePolicy,
  defaultAudience: string,
): Promise<Decision> {
  try {
    const { headers } = request;
    const principal = await authenticate({
      authorization: headers.authorization,
      apiKey: headers['x-api-key'],
      pathAndQuery: request.path,
      repeatedHeader: request.repeatedHeader,
    });
    if (principal.authMethod === 'pat' && !policy.allowPat) {
      throw new AuthError(
        'INSUFFICIENT_PERMISSIONS',
        'Personal access tokens are not accepted on this route.',
      );
    }
    if (policy.audience && !(principal.audiences ?? [defaultAudience]).includes(policy.audience)) {
      throw new AuthError('INSUFFICIENT_PERMISSIONS', `The credential is not meant for ${policy.audience}.`);
    }
    const missing = policy.requiredPermissions.filter((p) => !principal.permissions.includes(p));
    if (missing.length > 0) throw insufficientPermissions(missing);
    return { allowed: true, principal, ...headerChanges(principal, headers) };
  } catch (error) {
    return { allowed: false, error: error instanceof AuthError ? error : unavailable(error) };
  }
}

/** The identity headers we set upstream: a client's own `x-semaswift-*` beyond these go. */
const IDENTITY_HEADERS: ReadonlyArray<readonly [string, (principal: Principal) => string]> = [
  ['x-semaswift-user-id', (p) => p.userId],
  ['x-semaswift-org-id', (p) => p.organizationId],
  ['x-semaswift-roles', (p) => p.roles.join(',')],
  ['x-semaswift-permissions', (p) => p.permissions.join(',')],
  ['x-semaswift-auth-method', (p) => p.authMethod],
];
const IDENTITY_HEADER_NAMES: ReadonlySet<string> = new Set(IDENTITY_HEADERS.map(([name]) => name));

function headerChanges(principal: Principal, headers: Readonly<Record<string, string>>) {
  const headersToRemove: string[] = [];
  for (const name in headers) {
    if (name.startsWith(IDENTITY_PREFIX) && !IDENTITY_HEADER_NAMES.has(name)) headersToRemove.push(name);
  }
  // A PAT is a long-lived secret the upstream never needs; a JWT passes through.
  if (principal.authMethod === 'pat') {
    if (headers['x-api-key'] !== undefined) headersToRemove.push('x-api-key');
    if (headers.authorization !== undefined) headersToRemove.push('authorization');
  }
  const headersToSet = IDENTITY_HEADERS.map(([name, value]) => [name, value(principal)] as const);
  return { headersToSet, headersToRemove };
}

function unavailable(cause: unknown): AuthError {
  return new AuthError('UNAVAILABLE', 'The authorization service cannot decide right now.', { cause });
}
