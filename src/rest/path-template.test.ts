import { describe, expect, it } from 'vitest';
import { compareSpecificity, matchPath, parsePathTemplate } from './path-template.ts';

const parts = (path: string) => path.slice(1).split('/');

describe('path templates', () => {
  it('binds variables and refuses extra or missing segments', () => {
    const template = parsePathTemplate('/api/v1/pats/{id}');
    expect(matchPath(template, parts('/api/v1/pats/pat_1'))).toEqual(new Map([['id', 'pat_1']]));
    expect(matchPath(template, parts('/api/v1/pats'))).toBeUndefined();
    expect(matchPath(template, parts('/api/v1/pats/'))).toBeUndefined();
    expect(matchPath(template, parts('/api/v1/pats/a/b'))).toBeUndefined();
  });

  it('binds the rest of the path to a ** variable', () => {
    const template = parsePathTemplate('/v1/{name=**}');
    expect(matchPath(template, parts('/v1/a/b/c'))?.get('name')).toBe('a/b/c');
  });

  it('ranks literal segments before variables', () => {
    const me = parsePathTemplate('/api/v1/users/me');
    const byId = parsePathTemplate('/api/v1/users/{id}');
    expect([byId, me].sort(compareSpecificity)).toEqual([me, byId]);
  });

  it('rejects templates it does not understand', () => {
    expect(() => parsePathTemplate('api/v1')).toThrow();
    expect(() => parsePathTemplate('/v1/{a}:custom*')).toThrow();
  });
});
