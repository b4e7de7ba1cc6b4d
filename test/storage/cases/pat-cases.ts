import { expect, it } from 'vitest';
import type { PatRecord } from '../../../src/pats/pat-store.ts';
import type { Store } from '../../../src/storage/store.ts';
import { anOrganization, aTokenHash, aUser } from './fixtures.ts';

const NOW = 1_800_000_000;

async function givenOwner(store: Store) {
  const organization = await store.ensureOrganization(anOrganization());
  const user = aUser(organization.id);
  await store.createUser(user);
  return user;
}

function aPat(owner: { id: string; organizationId: string }, overrides: Partial<PatRecord> = {}): PatRecord {
  return {
    id: `pat_${aTokenHash().slice(0, 20)}`,
    userId: owner.id,
    organizationId: owner.organizationId,
    name: 'CI deploy',
    tokenHash: aTokenHash(),
    tokenHint: 'pat_live_AbCd',
    permissions: ['user:read'],
    createdAt: NOW,
    expiresAt: NOW + 86_400,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

/** Contract cases for PATs and the audit log; `store()` is a fresh store per test. */
export function patCases(store: () => Store): void {
  it('stores a PAT by hash and finds it by hash and by id, permissions and null alike', async () => {
    const owner = await givenOwner(store());
    const listed = aPat(owner);
    const dynamic = aPat(owner, { permissions: null });
    await store().createPat(listed);
    await store().createPat(dynamic);
    expect(await store().findPatByHash(listed.tokenHash)).toEqual(listed);
    expect(await store().findPatById(dynamic.id)).toEqual(dynamic);
    expect(await store().findPatByHash(aTokenHash())).toBeUndefined();
  });

  it('lists by owner and by organization, newest first', async () => {
    const owner = await givenOwner(store());
    const other = aUser(owner.organizationId);
    await store().createUser(other);
    const older = aPat(owner, { createdAt: NOW });
    const newer = aPat(owner, { createdAt: NOW + 10 });
    const theirs = aPat(other, { createdAt: NOW + 5 });
    for (const pat of [older, newer, theirs]) await store().createPat(pat);
    expect((await store().listPatsByUser(owner.id)).map((p) => p.id)).toEqual([newer.id, older.id]);
    expect((await store().listPatsByOrganization(owner.organizationId)).map((p) => p.id)).toEqual([
      newer.id,
      theirs.id,
      older.id,
    ]);
  });

  it('revokes once, keeping the first time, and answers undefined for an unknown id', async () => {
    const owner = await givenOwner(store());
    const pat = aPat(owner);
    await store().createPat(pat);
    expect((await store().revokePat(pat.id, NOW + 1))?.revokedAt).toBe(NOW + 1);
    expect((await store().revokePat(pat.id, NOW + 2))?.revokedAt).toBe(NOW + 1);
    expect(await store().revokePat('pat_unknown', NOW)).toBeUndefined();
  });

  it('touchPats records last use in a batch and never moves it backwards', async () => {
    const owner = await givenOwner(store());
    const a = aPat(owner);
    const b = aPat(owner);
    await store().createPat(a);
    await store().createPat(b);
    await store().touchPats([
      { id: a.id, at: NOW + 100 },
      { id: b.id, at: NOW + 50 },
    ]);
    await store().touchPats([{ id: a.id, at: NOW + 10 }]);
    expect((await store().findPatById(a.id))?.lastUsedAt).toBe(NOW + 100);
    expect((await store().findPatById(b.id))?.lastUsedAt).toBe(NOW + 50);
  });

  it('refuses a second PAT with the same token hash', async () => {
    const owner = await givenOwner(store());
    const pat = aPat(owner);
    await store().createPat(pat);
    await expect(store().createPat(aPat(owner, { tokenHash: pat.tokenHash }))).rejects.toThrow();
  });

  it('appends audit events and lists an organization’s newest first', async () => {
    const owner = await givenOwner(store());
    const event = {
      action: 'pat.create' as const,
      actorUserId: owner.id,
      organizationId: owner.organizationId,
      targetId: 'pat_1',
      clientAddress: '127.0.0.1',
      actorCredential: 'jwt:jti_1',
    };
    await store().appendAuditEvent({ ...event, at: NOW });
    await store().appendAuditEvent({ ...event, action: 'pat.revoke', at: NOW + 1 });
    const events = await store().listAuditEvents(owner.organizationId, 10);
    expect(events.map((e) => e.action)).toEqual(['pat.revoke', 'pat.create']);
    expect(events[1]).toEqual({ ...event, at: NOW });
    expect(await store().listAuditEvents('org_other', 10)).toEqual([]);
  });
}
