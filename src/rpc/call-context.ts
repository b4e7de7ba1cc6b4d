import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { credentialRequired } from '../errors/auth-error.ts';
import type { Principal } from '../principal/principal.ts';

/** The verified caller, set by the transport's guard before the handler runs. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: 'principal' });

/** A credential header the request carried more than once (see repeatedCredentialHeader). */
export const repeatedCredentialKey = createContextKey<string | undefined>(undefined, {
  description: 'repeated credential header',
});

/** The client's network address (the brute-force guard's per-address key). */
export const clientAddressKey = createContextKey<string>('unknown', { description: 'client address' });

/** The caller of a non-public RPC; the guard guarantees it is there. */
export function principalOf(context: HandlerContext): Principal {
  const principal = context.values.get(principalKey);
  if (!principal) throw credentialRequired('A credential is required.');
  return principal;
}

/** Responses that carry tokens must never be cached (RFC 6749 §5.1). */
export function noStore(context: HandlerContext): void {
  context.responseHeader.set('cache-control', 'no-store');
  context.responseHeader.set('pragma', 'no-cache');
}
