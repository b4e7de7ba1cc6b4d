import { createHash } from 'node:crypto';
import { type Adapter, type AdapterFactory, type AdapterPayload, errors } from 'oidc-provider';
import { clientMetadataOf } from './client-metadata.ts';
import type { OAuthStore } from './oauth-store.ts';

/** SHA-256 of an oidc-provider id, base64url: what records are stored under. */
export const oauthIdHash = (id: string): string => createHash('sha256').update(id).digest('base64url');

export interface ProviderAdapterDeps {
  store: OAuthStore;
  /** Told when a grant is revoked here, so cached answers about it go at once. */
  onGrantRevoked: (grantId: string) => void;
  now?: () => number;
}

/**
 * oidc-provider's storage (its `adapter` option) over our store. Clients come from the clients
 * table; every other model is a record keyed by the hash of its id, with the id (`jti`) left out
 * of the stored payload and put back when read: for codes and tokens the id is the credential.
 */
export function createProviderAdapter(deps: ProviderAdapterDeps): AdapterFactory {
  const { store } = deps;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return (model) => (model === 'Client' ? clientAdapter(store) : recordAdapter(model, deps, now));
}

function clientAdapter(store: OAuthStore): Adapter {
  const unsupported = async () => {
    throw new Error('clients are registered with `semaswift-auth client create`');
  };
  return {
    async find(id) {
      const client = await store.findOAuthClient(id);
      return client && clientMetadataOf(client);
    },
    upsert: unsupported,
    destroy: unsupported,
    consume: unsupported,
    revokeByGrantId: unsupported,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
  };
}

function recordAdapter(model: string, deps: ProviderAdapterDeps, now: () => number): Adapter {
  const { store } = deps;
  const revoke = async (grantId: string) => {
    await store.revokeOAuthGrant(grantId);
    deps.onGrantRevoked(grantId);
  };
  const payloadOf = (id: string, record: { payload: Record<string, unknown>; consumedAt: number | null }) => {
    const payload: AdapterPayload = { ...record.payload, jti: id };
    if (record.consumedAt !== null) payload.consumed = record.consumedAt;
    return payload;
  };

  return {
    async upsert(id, payload, expiresIn) {
      const { jti: _id, consumed: _consumed, ...rest } = payload;
      // An interaction copies its browser session's id (the session cookie) for integrators;
      // nothing reads it back, and a cookie is a credential: it is not stored.
      if (model === 'Interaction' && rest.session) {
        const { cookie: _cookie, ...session } = rest.session as Record<string, unknown>;
        rest.session = session as typeof rest.session;
      }
      const grantId = model === 'Grant' ? id : (payload.grantId ?? null);
      await store.upsertOAuthRecord({
        model,
        idHash: oauthIdHash(id),
        grantId,
        sessionUid: model === 'Session' && typeof payload.uid === 'string' ? payload.uid : null,
        accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
        payload: rest as Record<string, unknown>,
        expiresAt: typeof expiresIn === 'number' ? now() + expiresIn : null,
      });
    },
    async find(id) {
      const record = await store.findOAuthRecord(model, oauthIdHash(id));
      return record && payloadOf(id, record);
    },
    async findByUid(uid) {
      const record = await store.findOAuthRecordBySessionUid(model, uid);
      // Without its id (only the hash is stored): oidc-provider reads such a session (its account,
      // its grants) to check a binding, and never saves it back.
      return record && { ...record.payload };
    },
    findByUserCode: async () => undefined,
    async consume(id) {
      const idHash = oauthIdHash(id);
      if (await store.consumeOAuthRecord(model, idHash, now())) return;
      // Another request used it between oidc-provider's check and ours (a parallel replay): the
      // loser revokes what the winner is being issued, as for a sequential replay (RFC 6749 §4.1.2).
      const record = await store.findOAuthRecord(model, idHash);
      if (record?.grantId) await revoke(record.grantId);
      throw new errors.InvalidGrant(`${describe(model)} already used`);
    },
    async destroy(id) {
      await store.destroyOAuthRecord(model, oauthIdHash(id));
      if (model === 'Grant') deps.onGrantRevoked(id);
    },
    async revokeByGrantId(grantId) {
      await store.deleteOAuthRecordsOfGrant(model, grantId);
    },
  };
}

const describe = (model: string): string =>
  model === 'AuthorizationCode' ? 'authorization code' : model === 'RefreshToken' ? 'refresh token' : model;
