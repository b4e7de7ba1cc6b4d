import { tokenExpired, tokenInvalid } from '../errors/auth-error.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import type { Principal } from '../principal/principal.ts';
import type { UserRecord } from '../storage/store.ts';
import { coveredRoles, permissionsOf } from '../users/roles.ts';
import type { LastUsedTracker } from './last-used-tracker.ts';
import { isWellFormedPat, type PatEnvironment } from './pat-format.ts';
import type { PatRecord, PatStore } from './pat-store.ts';

/** How long a looked-up PAT and its owner are trusted before storage is asked again. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

interface CacheEntry {
  pat: PatRecord;
  owner: UserRecord | undefined;
  loadedAt: number;
  /** Built once per load: one object while cached (see the ext_authz response cache). */
  principal: Principal | undefined;
}

export interface PatAuthenticator {
  /** A PAT to a principal, or TOKEN_INVALID / TOKEN_EXPIRED. */
  authenticate(token: string): Promise<Principal>;
  /** Drops a token from the cache at once (revocation, here or on another replica). */
  forgetToken(tokenHash: string): void;
  /** Drops a user's tokens (role change, removal): their permissions are re-read on next use. */
  forgetUser(userId: string): void;
  /** Drops every cached token (the change feed may have missed revocations). */
  forgetAll(): void;
}

export interface PatAuthenticatorDeps {
  store: Pick<PatStore, 'findPatByHash'> & { findUserById(id: string): Promise<UserRecord | undefined> };
  secret: ServerSecret;
  environment: PatEnvironment;
  lastUsed: LastUsedTracker;
  now?: () => number;
}

/**
 * Verifies PATs on the hot path: the checksum first (no lookup for typos and forgeries), then a
 * cache keyed by the token's keyed hash, so a PAT in steady use costs a map lookup. Permissions are
 * the PAT's own intersected with its owner's current ones, so a PAT never has more than its owner.
 */
/** The PAT's own permissions intersected with its owner's current ones. */
function principalOf(pat: PatRecord, owner: UserRecord): Principal {
  const ownerPermissions: string[] = permissionsOf(owner.roles);
  const permissions = (pat.permissions ?? ownerPermissions).filter((p) => ownerPermissions.includes(p));
  return Object.freeze({
    userId: owner.id,
    organizationId: owner.organizationId,
    roles: coveredRoles(owner.roles, permissions),
    permissions,
    authMethod: 'pat',
    credentialId: pat.id,
    expiresAt: pat.expiresAt,
  });
}

export function createPatAuthenticator(deps: PatAuthenticatorDeps): PatAuthenticator {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  // Bumped by every forget: a lookup that was in flight when one happened may have read the row
  // before the change (a revocation on another replica), so its result is used once, not cached.
  let generation = 0;

  async function load(tokenHash: string): Promise<CacheEntry | undefined> {
    const hit = cache.get(tokenHash);
    if (hit && now() - hit.loadedAt < CACHE_TTL_MS) return hit;
    const startedAt = generation;
    const pat = await deps.store.findPatByHash(tokenHash);
    if (!pat) {
      cache.delete(tokenHash);
      return undefined;
    }
    const owner = await deps.store.findUserById(pat.userId);
    const entry = { pat, owner, loadedAt: now(), principal: owner && principalOf(pat, owner) };
    cache.delete(tokenHash);
    if (startedAt !== generation) return entry;
    if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(tokenHash, entry);
    return entry;
  }

  // Token → keyed hash, for tokens that passed the checksum: a PAT in steady use skips the CRC and
  // the HMAC, like a JWT skips its signature check. Bounded, least recently used out first.
  const hashes = new Map<string, string>();
  function hashOf(token: string): string {
    let hash = hashes.get(token);
    if (hash !== undefined) return hash;
    if (!isWellFormedPat(token, deps.environment))
      throw tokenInvalid('The personal access token is malformed.');
    hash = deps.secret.mac('pat', token);
    if (hashes.size >= CACHE_MAX_ENTRIES) hashes.delete(hashes.keys().next().value as string);
    hashes.set(token, hash);
    return hash;
  }

  return {
    async authenticate(token) {
      const entry = await load(hashOf(token));
      if (!entry) throw tokenInvalid('The personal access token is unknown or revoked.');
      const { pat, owner } = entry;
      const seconds = Math.floor(now() / 1000);
      if (pat.revokedAt !== null) throw tokenInvalid('The personal access token is revoked.');
      if (pat.expiresAt <= seconds) throw tokenExpired('The personal access token has expired.');
      if (!owner || owner.organizationId !== pat.organizationId) {
        throw tokenInvalid('The personal access token is unknown or revoked.');
      }
      deps.lastUsed.record(pat.id, pat.lastUsedAt, seconds);
      return entry.principal ?? principalOf(pat, owner);
    },
    forgetToken(tokenHash) {
      generation++;
      cache.delete(tokenHash);
    },
    forgetAll() {
      generation++;
      cache.clear();
    },
    forgetUser(userId) {
      generation++;
      for (const [hash, entry] of cache) if (entry.pat.userId === userId) cache.delete(hash);
    },
  };
}
