import { describe, expect, it } from 'vitest';
import { formActionSource, pageHeaders } from './security-headers.ts';

describe('page security headers', () => {
  it('allow no script, no framing, and form posts only to us and the given targets', () => {
    const headers = pageHeaders({ formActions: ['https://app.example'] });
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' https://app.example; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(headers['cache-control']).toBe('no-store');
  });

  it('turn redirect URIs into form-action sources', () => {
    expect(formActionSource('https://app.example/cb?x=1')).toBe('https://app.example');
    expect(formActionSource('http://127.0.0.1:8080/cb')).toBe('http://127.0.0.1:8080');
    expect(formActionSource('com.example.app:/oauth')).toBe('com.example.app:');
    expect(formActionSource('not a uri')).toBeUndefined();
  });
});
