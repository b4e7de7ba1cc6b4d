import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../storage/open-store.ts';
import type { Store } from '../storage/store.ts';
import { DASHBOARD_CLIENT_ID, ensureDashboardClient } from './dashboard-client.ts';

const ISSUER = 'https://auth.example.com';
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
});

describe('the dashboard client registration', () => {
  it('registers a first-party public client once, however many replicas start together', async () => {
    store = await openStore(':memory:');
    const logger = pino({ level: 'silent' });
    await Promise.all([1, 2, 3].map(() => ensureDashboardClient(store as Store, { issuer: ISSUER, logger })));
    await ensureDashboardClient(store, { issuer: ISSUER, logger });
    expect(await store.findOAuthClient(DASHBOARD_CLIENT_ID)).toMatchObject({
      secretHash: null,
      firstParty: true,
      redirectUris: ['https://auth.example.com/dashboard/callback'],
      scopes: [
        'openid',
        'profile',
        'email',
        'user:read',
        'user:write',
        'ticket:read',
        'ticket:write',
        'pat:read',
        'pat:write',
      ],
    });
  });

  it('follows the issuer when the service moves', async () => {
    store = await openStore(':memory:');
    const logger = pino({ level: 'silent' });
    await ensureDashboardClient(store, { issuer: 'http://localhost:8080', logger });
    await ensureDashboardClient(store, { issuer: ISSUER, logger });
    expect(await store.findOAuthClient(DASHBOARD_CLIENT_ID)).toMatchObject({
      secretHash: null,
      firstParty: true,
      redirectUris: ['https://auth.example.com/dashboard/callback'],
    });
  });

  it('leaves alone, and reports, a confidential client that took the id', async () => {
    store = await openStore(':memory:');
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    await store.createOAuthClient({
      id: DASHBOARD_CLIENT_ID,
      name: 'Impostor',
      secretHash: 'sha256:abc',
      redirectUris: ['https://elsewhere.example/cb'],
      scopes: ['openid'],
      firstParty: false,
      createdAt: 1,
    });
    await ensureDashboardClient(store, { issuer: ISSUER, logger });
    expect((await store.findOAuthClient(DASHBOARD_CLIENT_ID))?.redirectUris).toEqual([
      'https://elsewhere.example/cb',
    ]);
    expect(lines.join('')).toMatch(/confidential client holds the dashboard client id/);
  });
});
