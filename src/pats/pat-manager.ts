import type { AuditStore } from '../audit/audit-log.ts';
import { AuthError, insufficientPermissions, invalidArgument } from '../errors/auth-error.ts';
import { randomBase62 } from '../ids/new-id.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import type { Principal } from '../principal/principal.ts';
import { PERMISSIONS } from '../users/roles.ts';
import type { LastUsedTracker } from './last-used-tracker.ts';
import { generatePat, hintOf, type PatEnvironment } from './pat-format.ts';
import type { PatRecord, PatStore } from './pat-store.ts';

export interface NewPat {
  name: string;
  /** Epoch seconds. */
  expiresAt: number;
  permissions: string[];
}

/** A PAT as its owner sees it, with the permissions it has now. */
export interface PatView {
  record: PatRecord;
  effectivePermissions: string[];
}

export interface PatManager {
  /** Creates a PAT for the caller; the token is in the answer and nowhere else, ever. */
  create(caller: Principal, init: NewPat, clientAddress: string): Promise<{ token: string; view: PatView }>;
  list(caller: Principal, wholeOrganization: boolean): Promise<PatView[]>;
  get(caller: Principal, id: string): Promise<PatView>;
  revoke(caller: Principal, id: string, clientAddress: string): Promise<void>;
}

export interface PatManagerDeps {
  store: PatStore & AuditStore;
  secret: ServerSecret;
  lastUsed: Pick<LastUsedTracker, 'latest'>;
  environment: PatEnvironment;
  maxTtlSeconds: number;
  /** Called after a revocation, so every cache drops the token at once. */
  onRevoked: (pat: PatRecord) => void;
  /** The owner's current permissions (for the view; use-time checks live in the authenticator). */
  ownerPermissions: (userId: string) => Promise<string[]>;
  now?: () => number;
}

const MAX_NAME_LENGTH = 100;

export function createPatManager(deps: PatManagerDeps): PatManager {
  const { store } = deps;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));

  const view = async (stored: PatRecord): Promise<PatView> => {
    const owner = await deps.ownerPermissions(stored.userId);
    const own = stored.permissions ?? owner;
    const seen = deps.lastUsed.latest(stored.id);
    const record =
      seen !== undefined && seen > (stored.lastUsedAt ?? 0) ? { ...stored, lastUsedAt: seen } : stored;
    return { record, effectivePermissions: own.filter((p) => owner.includes(p)) };
  };

  /** The caller's own PAT, or any of its organization's with `permission`; else NOT_FOUND. */
  async function visible(caller: Principal, id: string, permission: 'pat:read' | 'pat:write') {
    const pat = await store.findPatById(id);
    const allowed =
      pat !== undefined &&
      pat.organizationId === caller.organizationId &&
      (pat.userId === caller.userId || caller.permissions.includes(permission));
    if (!pat || !allowed) throw new AuthError('NOT_FOUND', 'No such personal access token.');
    return pat;
  }

  return {
    async create(caller, init, clientAddress) {
      if (caller.authMethod === 'pat' && !caller.permissions.includes('pat:write')) {
        throw insufficientPermissions(['pat:write']);
      }
      const name = init.name.normalize('NFC').trim();
      if (name === '' || name.length > MAX_NAME_LENGTH) {
        throw invalidArgument(`name is required, at most ${MAX_NAME_LENGTH} characters.`);
      }
      const createdAt = now();
      if (!Number.isFinite(init.expiresAt) || init.expiresAt <= createdAt) {
        throw invalidArgument('expires_at is required and must be in the future.');
      }
      if (init.expiresAt > createdAt + deps.maxTtlSeconds) {
        throw invalidArgument(
          `expires_at may be at most ${Math.floor(deps.maxTtlSeconds / 86_400)} days ahead.`,
        );
      }
      // A PAT made by a PAT or by an OAuth client's token can never do more than that credential
      // (below); one made by a PAT cannot outlive it either, or a leaked short-lived PAT could
      // renew itself for ever. (An OAuth token is an hour long: the user allowed the app `pat:write`,
      // the dashboard included, to make tokens for longer.)
      const limited = caller.authMethod === 'pat' || caller.clientId !== undefined;
      if (caller.authMethod === 'pat' && init.expiresAt > caller.expiresAt) {
        throw invalidArgument('expires_at may not be later than the credential creating the token expires.');
      }
      const unknown = init.permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
      if (unknown.length > 0) throw invalidArgument(`Unknown permission: ${unknown.join(', ')}.`);
      const missing = init.permissions.filter((p) => !caller.permissions.includes(p));
      if (missing.length > 0) throw insufficientPermissions(missing);

      const requested = [...new Set(init.permissions)];
      // Unless chosen, its permissions are the creating credential's, not all of the owner's.
      const permissions = requested.length > 0 ? requested : limited ? caller.permissions : null;
      const token = generatePat(deps.environment);
      const record: PatRecord = {
        id: `pat_${randomBase62(22)}`,
        userId: caller.userId,
        organizationId: caller.organizationId,
        name,
        tokenHash: deps.secret.mac('pat', token),
        tokenHint: hintOf(token),
        permissions,
        createdAt,
        expiresAt: init.expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      };
      await store.createPat(record);
      await store.appendAuditEvent(auditOf('pat.create', caller, record, clientAddress, createdAt));
      return { token, view: await view(record) };
    },

    async list(caller, wholeOrganization) {
      if (wholeOrganization && !caller.permissions.includes('pat:read'))
        throw insufficientPermissions(['pat:read']);
      const records = wholeOrganization
        ? await store.listPatsByOrganization(caller.organizationId)
        : await store.listPatsByUser(caller.userId);
      return Promise.all(records.filter((r) => r.revokedAt === null).map(view));
    },

    async get(caller, id) {
      const pat = await visible(caller, id, 'pat:read');
      if (pat.revokedAt !== null) throw new AuthError('NOT_FOUND', 'No such personal access token.');
      return view(pat);
    },

    async revoke(caller, id, clientAddress) {
      const pat = await visible(caller, id, 'pat:write');
      if (pat.revokedAt !== null) return;
      const at = now();
      const revoked = await store.revokePat(id, at);
      if (revoked) deps.onRevoked(revoked);
      await store.appendAuditEvent(auditOf('pat.revoke', caller, pat, clientAddress, at));
    },
  };
}

function auditOf(
  action: 'pat.create' | 'pat.revoke',
  caller: Principal,
  pat: PatRecord,
  clientAddress: string,
  at: number,
) {
  return {
    at,
    action,
    actorUserId: caller.userId,
    organizationId: caller.organizationId,
    targetId: pat.id,
    clientAddress,
    actorCredential: `${caller.authMethod}:${caller.credentialId}`,
  };
}
