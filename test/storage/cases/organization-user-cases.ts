import { expect, it } from 'vitest';
import type { Store } from '../../../src/storage/store.ts';
import { anOrganization, aUser } from './fixtures.ts';

/** Contract cases for organizations and users; `store()` is a fresh store per test. */
export function organizationUserCases(store: () => Store): void {
  it('ensureOrganization creates an organization once and then returns the existing one', async () => {
    const first = anOrganization({ name: 'Acme' });
    expect(await store().ensureOrganization(first)).toEqual(first);

    const again = await store().ensureOrganization(anOrganization({ name: 'Acme', createdAt: 1 }));
    expect(again).toEqual(first);
    expect(await store().findOrganizationByName('Acme')).toEqual(first);
    expect(await store().findOrganizationById(first.id)).toEqual(first);
  });

  it('ensureOrganization called concurrently yields one organization', async () => {
    const [a, b] = await Promise.all([
      store().ensureOrganization(anOrganization({ name: 'Race' })),
      store().ensureOrganization(anOrganization({ name: 'Race' })),
    ]);
    expect(a?.id).toBe(b?.id);
  });

  it('finds nothing for unknown organizations and users', async () => {
    expect(await store().findOrganizationById('org_missing')).toBeUndefined();
    expect(await store().findOrganizationByName('Missing')).toBeUndefined();
    expect(await store().findUserById('usr_missing')).toBeUndefined();
    expect(await store().findUserByEmailKey('missing@example.com')).toBeUndefined();
    expect(await store().listUsersByOrganization('org_missing')).toEqual([]);
  });

  it('createUser stores a user that reads back by id and by email key, roles in the given order', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const user = aUser(organization.id, { roles: ['agent', 'admin'] });

    expect(await store().createUser(user)).toBe(true);
    expect(await store().findUserById(user.id)).toEqual(user);
    expect(await store().findUserByEmailKey(user.emailKey)).toEqual(user);

    const reversed = aUser(organization.id, { roles: ['admin', 'agent'] });
    await store().createUser(reversed);
    expect((await store().findUserById(reversed.id))?.roles).toEqual(['admin', 'agent']);
  });

  it('createUser keeps a user without roles', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const user = aUser(organization.id, { roles: [] });
    await store().createUser(user);
    expect((await store().findUserById(user.id))?.roles).toEqual([]);
  });

  it('createUser refuses a taken email key and writes nothing', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const other = await store().ensureOrganization(anOrganization());
    const first = aUser(organization.id);
    await store().createUser(first);

    const duplicate = aUser(other.id, { emailKey: first.emailKey, roles: ['admin'] });
    expect(await store().createUser(duplicate)).toBe(false);

    expect(await store().findUserById(duplicate.id)).toBeUndefined();
    expect(await store().findUserByEmailKey(first.emailKey)).toEqual(first);
    expect(await store().listUsersByOrganization(other.id)).toEqual([]);
  });

  it('listUsersByOrganization orders by creation time, then id, and keeps to the organization', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const other = await store().ensureOrganization(anOrganization());
    const late = aUser(organization.id, { id: 'usr_a', createdAt: 20 });
    const earlyB = aUser(organization.id, { id: 'usr_c', createdAt: 10 });
    const earlyA = aUser(organization.id, { id: 'usr_b', createdAt: 10 });
    for (const user of [late, earlyB, earlyA, aUser(other.id)]) await store().createUser(user);

    const listed = await store().listUsersByOrganization(organization.id);
    expect(listed.map((u) => u.id)).toEqual(['usr_b', 'usr_c', 'usr_a']);
    expect(listed[0]).toEqual(earlyA);
  });

  it('updatePasswordHash replaces only that user’s hash', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const user = aUser(organization.id);
    const bystander = aUser(organization.id);
    await store().createUser(user);
    await store().createUser(bystander);

    await store().updatePasswordHash(user.id, '$argon2id$new');

    expect(await store().findUserById(user.id)).toEqual({ ...user, passwordHash: '$argon2id$new' });
    expect(await store().findUserById(bystander.id)).toEqual(bystander);
  });
}

/** Contract cases for changing and removing users; `store()` is a fresh store per test. */
export function userAdminCases(store: () => Store): void {
  it('updateUser replaces roles in order and changes the name, leaving the rest', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const user = aUser(organization.id, { roles: ['agent'] });
    await store().createUser(user);
    const updated = await store().updateUser(user.id, { roles: ['admin', 'agent', 'admin'], name: 'Grace' });
    expect(updated).toEqual({ ...user, roles: ['admin', 'agent'], name: 'Grace' });
    expect(await store().findUserById(user.id)).toEqual(updated);
    expect(await store().updateUser(user.id, { roles: [] })).toEqual({ ...user, roles: [], name: 'Grace' });
    expect(await store().updateUser('usr_unknown', { name: 'x' })).toBeUndefined();
  });

  it('deleteUser removes the user with its sessions and PATs', async () => {
    const organization = await store().ensureOrganization(anOrganization());
    const user = aUser(organization.id);
    await store().createUser(user);
    await store().createRefreshFamily({
      familyId: 'fam_gone',
      userId: user.id,
      tokenHash: 'hash_gone',
      tokenExpiresAt: 2_000_000_000,
      createdAt: 1_700_000_000,
    });
    await store().createPat({
      id: 'pat_gone',
      userId: user.id,
      organizationId: organization.id,
      name: 'n',
      tokenHash: 'pat_hash_gone',
      tokenHint: 'pat_live_AbCd',
      permissions: null,
      createdAt: 1_700_000_000,
      expiresAt: 2_000_000_000,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(await store().deleteUser(user.id)).toBe(true);
    expect(await store().findUserById(user.id)).toBeUndefined();
    expect(await store().findRefreshToken('hash_gone')).toBeUndefined();
    expect(await store().findPatByHash('pat_hash_gone')).toBeUndefined();
    expect(await store().deleteUser(user.id)).toBe(false);
  });
}
