import { newId } from '../../../src/ids/new-id.ts';
import type {
  OrganizationRecord,
  RefreshFamilyInit,
  SigningKeyRecord,
  Store,
  UserRecord,
} from '../../../src/storage/store.ts';

/** Builders for valid records; every id and unique value is fresh unless overridden. */

export function anOrganization(overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  return { id: newId('org'), name: `Org ${newId('org')}`, createdAt: 1_700_000_000, ...overrides };
}

export function aUser(organizationId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  const local = newId('usr').toLowerCase();
  return {
    id: newId('usr'),
    organizationId,
    email: `${local}@Example.com`,
    emailKey: `${local}@example.com`,
    name: 'Ada Lovelace',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: ['agent'],
    createdAt: 1_700_000_000,
    ...overrides,
  };
}

export function aSigningKey(createdAt: number, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid: newId('kid'),
    alg: 'RS256',
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${newId('kid')}\n-----END PRIVATE KEY-----\n`,
    publicJwk: { kty: 'RSA', n: newId('kid'), e: 'AQAB' },
    createdAt,
    retiredAt: null,
    ...overrides,
  };
}

/** A fresh token hash (the store never sees tokens, only opaque hashes). */
export const aTokenHash = (): string => `hash_${newId('jti')}`;

/** Stores an organization and a user in it, which refresh families need (foreign keys). */
export async function givenUser(store: Store): Promise<UserRecord> {
  const organization = await store.ensureOrganization(anOrganization());
  const user = aUser(organization.id);
  await store.createUser(user);
  return user;
}

/** Stores a refresh family for a new user; its first token expires at `tokenExpiresAt`. */
export async function givenRefreshFamily(
  store: Store,
  tokenExpiresAt = 2_000_000_000,
): Promise<RefreshFamilyInit> {
  const user = await givenUser(store);
  const init: RefreshFamilyInit = {
    familyId: newId('fam'),
    userId: user.id,
    tokenHash: aTokenHash(),
    tokenExpiresAt,
    createdAt: 1_700_000_000,
  };
  await store.createRefreshFamily(init);
  return init;
}
