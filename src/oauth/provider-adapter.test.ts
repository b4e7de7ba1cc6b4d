import { errors } from 'oidc-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { createProviderAdapter, oauthIdHash } from './provider-adapter.ts';

const NOW = 1_800_000_000;

describe('oidc-provider adapter over the store', () => {
  let store: Store;
  let revoked: string[];
  let adapter: ReturnType<typeof createProviderAdapter>;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    revoked = [];
    adapter = createProviderAdapter({ store, onGrantRevoked: (id) => revoked.push(id), now: () => NOW });
  });
  afterEach(() => store.close());

  it('stores by the hash of the id, never the id (the credential), and gives it back as jti', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert(
      'the-code-itself',
      { jti: 'the-code-itself', grantId: 'grant-1', scope: 'openid' },
      60,
    );
    const stored = await store.findOAuthRecord('AuthorizationCode', oauthIdHash('the-code-itself'));
    expect(stored).toMatchObject({ grantId: 'grant-1', expiresAt: NOW + 60, payload: { scope: 'openid' } });
    expect(JSON.stringify(stored)).not.toContain('the-code-itself');
    expect(await codes.find('the-code-itself')).toEqual({
      jti: 'the-code-itself',
      grantId: 'grant-1',
      scope: 'openid',
    });
  });

  it('keeps an interaction’s copy of the session cookie out of storage', async () => {
    const interactions = adapter('Interaction');
    const session = { accountId: 'usr_1', uid: 'uid_1', cookie: 'session-cookie-value' };
    await interactions.upsert('uid-x', { jti: 'uid-x', session }, 600);
    expect(await interactions.find('uid-x')).toMatchObject({ session: { accountId: 'usr_1', uid: 'uid_1' } });
    expect(JSON.stringify(await interactions.find('uid-x'))).not.toContain('session-cookie-value');
  });

  it('lets a code be consumed once; the loser of a race revokes the grant and gets invalid_grant', async () => {
    const grants = adapter('Grant');
    const codes = adapter('AuthorizationCode');
    const tokens = adapter('RefreshToken');
    await grants.upsert('grant-1', { jti: 'grant-1', accountId: undefined }, 3600);
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'grant-1' }, 60);
    await tokens.upsert('refresh-1', { jti: 'refresh-1', grantId: 'grant-1' }, 3600);

    await codes.consume('code-1');
    expect(await codes.find('code-1')).toMatchObject({ consumed: NOW });
    const replay = codes.consume('code-1');
    await expect(replay).rejects.toBeInstanceOf(errors.InvalidGrant);
    await expect(replay).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await grants.find('grant-1')).toBeUndefined();
    expect(await tokens.find('refresh-1')).toBeUndefined();
    expect(revoked).toEqual(['grant-1']);
  });

  it('finds clients in the clients table only', async () => {
    await store.createOAuthClient({
      id: 'cli_1',
      name: 'Acme',
      secretHash: null,
      redirectUris: ['com.acme.app:/cb'],
      scopes: ['openid'],
      firstParty: false,
      createdAt: NOW,
    });
    const found = await adapter('Client').find('cli_1');
    expect(found).toMatchObject({
      client_id: 'cli_1',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      response_types: ['code'],
    });
    // Every response mode discovery names (form_post too); plain OAuth 2.0 requests allowed.
    expect(found).not.toHaveProperty('response_modes');
    expect(found).not.toHaveProperty('require_auth_time');
    await expect(adapter('Client').upsert('cli_2', {}, 0)).rejects.toThrow(/client create/);
  });
});
