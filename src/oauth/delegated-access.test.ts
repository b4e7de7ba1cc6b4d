import { describe, expect, it } from 'vitest';
import { PatService } from '../gen/semaswift/auth/v1/pat_service_pb.js';
import { TokenService } from '../gen/semaswift/auth/v1/token_service_pb.js';
import { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';
import { createCallGuard } from '../principal/access-policy.ts';
import type { Principal } from '../principal/principal.ts';
import { delegatedAccess } from './delegated-access.ts';

const principal = (overrides: Partial<Principal>): Principal => ({
  userId: 'usr_1',
  organizationId: 'org_1',
  roles: [],
  permissions: [],
  authMethod: 'jwt',
  credentialId: 'jti_1',
  expiresAt: 2_000_000_000,
  ...overrides,
});

const guardFor = (caller: Principal) => createCallGuard(async () => caller, { delegatedAccess });
const source = { authorization: 'Bearer x' };

describe('OAuth access tokens on RPCs open to any credential', () => {
  it('reach GetMe, and PAT calls only with the matching permission scope', async () => {
    const oauth = guardFor(principal({ clientId: 'cli_1' }));
    await expect(oauth(UserService.method.getMe, source)).resolves.toMatchObject({ clientId: 'cli_1' });
    await expect(oauth(PatService.method.createPat, source)).rejects.toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
    });
    await expect(oauth(PatService.method.listPats, source)).rejects.toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
    });
    const withPatWrite = guardFor(principal({ clientId: 'cli_1', permissions: ['pat:write'] }));
    await expect(withPatWrite(PatService.method.createPat, source)).resolves.toBeDefined();
  });

  it('are refused what is not listed, while first-party tokens keep their access', async () => {
    const oauth = guardFor(principal({ clientId: 'cli_1', permissions: ['user:read', 'pat:read'] }));
    await expect(oauth(TokenService.method.introspect, source)).rejects.toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
    });
    await expect(oauth(UserService.method.listUsers, source)).resolves.toBeDefined();
    const firstParty = guardFor(principal({}));
    await expect(firstParty(TokenService.method.introspect, source)).resolves.toBeDefined();
    await expect(firstParty(PatService.method.createPat, source)).resolves.toBeDefined();
  });
});
