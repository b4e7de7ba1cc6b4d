import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/storage/store.ts';
import { eventCases } from './cases/event-cases.ts';
import { mfaCases } from './cases/mfa-cases.ts';
import { oauthCases } from './cases/oauth-cases.ts';
import { organizationUserCases, userAdminCases } from './cases/organization-user-cases.ts';
import { patCases } from './cases/pat-cases.ts';
import { refreshTokenCases } from './cases/refresh-token-cases.ts';
import { signingKeyCases } from './cases/signing-key-cases.ts';

/**
 * The behaviour every `Store` backend must share. A backend's test file calls this once with a
 * function that opens a fresh, empty store; each test gets its own and closes it afterwards.
 *
 * @example describeStoreSuite('postgres', () => openPostgresStore(freshDatabaseUrl()));
 */
export function describeStoreSuite(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | undefined;
    const store = (): Store => {
      if (!current) throw new Error('the store is only open inside a test');
      return current;
    };

    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describe('organizations and users', () => organizationUserCases(store));
    describe('changing and removing users', () => userAdminCases(store));
    describe('signing keys', () => signingKeyCases(store));
    describe('refresh tokens', () => refreshTokenCases(store));
    describe('personal access tokens and audit', () => patCases(store));
    describe('multi-factor authentication', () => mfaCases(store));
    describe('change feed', () => eventCases(store));
    describe('OAuth clients, consents and provider records', () => oauthCases(store));
  });
}
