import type { DescMethod } from '@bufbuild/protobuf';
import { ConnectError, type ConnectRouter, createContextValues, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { toConnectError } from '../errors/error-mapping.ts';
import type { CallGuard } from '../principal/access-policy.ts';
import { clientAddressKey, principalKey } from '../rpc/call-context.ts';
import type { RegisteredService } from '../rpc/services.ts';
import type { ErrorReporter } from '../server/http-errors.ts';
import type { HttpHandler } from '../server/http-types.ts';

export interface ConnectHandlerDeps {
  services: readonly RegisteredService[];
  guard: CallGuard;
  reportError: ErrorReporter;
  /** Serves what is not an RPC (REST, discovery, pages). */
  fallback: HttpHandler;
}

/**
 * Connect, gRPC and gRPC-Web for every service. One interceptor runs the shared guard (credential →
 * principal, the RPC's declared permissions) and maps domain errors once, with ErrorInfo.
 */
export function createConnectHandler(deps: ConnectHandlerDeps): HttpHandler {
  const guardInterceptor: Interceptor = (next) => async (req) => {
    try {
      const url = new URL(req.url);
      const principal = await deps.guard(req.method as DescMethod, {
        authorization: req.header.get('authorization'),
        apiKey: req.header.get('x-api-key'),
        pathAndQuery: url.pathname + url.search,
      });
      req.contextValues.set(principalKey, principal);
      return await next(req);
    } catch (error) {
      if (error instanceof ConnectError) throw error;
      throw toConnectError(deps.reportError(error));
    }
  };

  type AdapterFallback = NonNullable<Parameters<typeof connectNodeAdapter>[0]['fallback']>;
  return connectNodeAdapter({
    routes: (router: ConnectRouter) => {
      for (const { service, impl } of deps.services) router.service(service, impl);
    },
    interceptors: [guardInterceptor],
    // Connect's JSON speaks the contract's snake_case names (`access_token`); every proto3 JSON
    // parser, Connect's clients included, reads them.
    jsonOptions: { useProtoFieldName: true },
    // Nothing we accept comes near this; larger messages are refused before they are buffered.
    readMaxBytes: 64 * 1024,
    contextValues: (req) =>
      createContextValues().set(clientAddressKey, req.socket?.remoteAddress ?? 'unknown'),
    // connect-node's response type differs from Node's only in `write`'s callback typing.
    fallback: deps.fallback as unknown as AdapterFallback,
  }) as unknown as HttpHandler;
}
