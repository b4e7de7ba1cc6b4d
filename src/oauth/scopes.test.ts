import { describe, expect, it } from 'vitest';
import { coveredRoles } from '../users/roles.ts';
import { grantedPermissions, scopesHeldBy } from './scopes.ts';

describe('permission scopes', () => {
  it('grant the requested permissions the user holds, in canonical order', () => {
    expect(grantedPermissions(['user:write', 'openid', 'user:read'], ['agent'])).toEqual(['user:read']);
    expect(grantedPermissions(['ticket:write', 'user:write'], ['admin'])).toEqual([
      'user:write',
      'ticket:write',
    ]);
    expect(grantedPermissions(['openid', 'profile'], ['admin'])).toEqual([]);
  });

  it('keep the OIDC scopes and the permission scopes the roles hold, in the given order', () => {
    const scopes = ['openid', 'user:write', 'profile', 'user:read', 'pat:read'];
    expect(scopesHeldBy(scopes, ['agent'])).toEqual(['openid', 'profile', 'user:read']);
    expect(scopesHeldBy(scopes, ['admin'])).toEqual(scopes);
    expect(scopesHeldBy(scopes, [])).toEqual(['openid', 'profile']);
  });

  it('name only the roles whose every permission the token carries', () => {
    expect(coveredRoles(['admin', 'agent'], ['user:read'])).toEqual([]);
    expect(coveredRoles(['admin', 'agent'], ['user:read', 'ticket:read', 'ticket:write'])).toEqual(['agent']);
    expect(coveredRoles(['unknown'], [])).toEqual([]);
  });
});
