import { describe, expect, it } from 'vitest';
import { coveredRoles, grantedPermissions } from './scopes.ts';

describe('permission scopes', () => {
  it('grant the requested permissions the user holds, in canonical order', () => {
    expect(grantedPermissions(['user:write', 'openid', 'user:read'], ['agent'])).toEqual(['user:read']);
    expect(grantedPermissions(['ticket:write', 'user:write'], ['admin'])).toEqual([
      'user:write',
      'ticket:write',
    ]);
    expect(grantedPermissions(['openid', 'profile'], ['admin'])).toEqual([]);
  });

  it('name only the roles whose every permission the token carries', () => {
    expect(coveredRoles(['admin', 'agent'], ['user:read'])).toEqual([]);
    expect(coveredRoles(['admin', 'agent'], ['user:read', 'ticket:read', 'ticket:write'])).toEqual(['agent']);
    expect(coveredRoles(['unknown'], [])).toEqual([]);
  });
});
