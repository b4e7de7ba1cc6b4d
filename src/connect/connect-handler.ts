import {
  Code,
  ConnectError,
  createConnectRouter,
  createContextValues,
  type HandlerContext,
  type Interceptor,
} from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import { toConnectError } from '../errors/error-mapping.ts';
import type { CallGuard } from '../principal/access-policy.ts';
import { clientAddressKey, principalKey, repeatedCredentialKey } from '../rpc/call-context.ts';
import type { RegisteredService } from '../rpc/services.ts';
import type { ErrorReporter } from '../server/http-errors.ts';
import { type HttpHandler, sendResponse } from '../server/http-types.ts';
import { repeatedCredentialHeader } from '../server/node-headers.ts';
import { encodeGrpcMessage, repairResponse } from './wire-repair.ts';

export interface ConnectHandlerDeps {
  services: readonly RegisteredService[];
  guard: CallGuard;
  reportError: ErrorReporter;
  /** Serves what is not an RPC (REST, discovery, pages). */
  fallback: HttpHandler;
}

/**
 * Connect, gRPC and gRPC-Web for every service, as connect-node's adapter serves them, with two
 * differences: the shared guard (credential → principal, the RPC's declared permissions) runs as
 * the request gate, before the body is read, so an anonymous caller learns nothing from validation
 * and costs nothing to parse; and responses pass through wire-repair.ts. Domain errors thrown by
 * handlers are mapped once, with ErrorInfo.
 */
export function createConnectHandler(deps: ConnectHandlerDeps): HttpHandler {
  const toError = (error: unknown) =>
    error instanceof ConnectError ? error : toConnectError(deps.reportError(error));

  const requestGate = async (context: HandlerContext) => {
    try {
      const url = new URL(context.url);
      const principal = await deps.guard(context.method, {
        authorization: context.requestHeader.get('authorization'),
        apiKey: context.requestHeader.get('x-api-key'),
        pathAndQuery: url.pathname + url.search,
        repeatedHeader: context.values.get(repeatedCredentialKey),
      });
      context.values.set(principalKey, principal);
    } catch (error) {
      throw toError(error);
    }
  };
  const mapErrors: Interceptor = (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      throw toError(error);
    }
  };

  const router = createConnectRouter({
    interceptors: [mapErrors],
    requestGate,
    // Connect's JSON speaks the contract's snake_case names (`access_token`); every proto3 JSON
    // parser, Connect's clients included, reads them.
    jsonOptions: { useProtoFieldName: true },
    // Nothing we accept comes near this; larger messages are refused before they are buffered.
    readMaxBytes: 64 * 1024,
    acceptCompression: [compressionGzip, compressionBrotli],
  });
  for (const { service, impl } of deps.services) router.service(service, impl);
  const byPath = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));

  return (req, res) => {
    const handler = byPath.get(req.url?.split('?', 1)[0] ?? '');
    if (!handler) {
      // A gRPC client calling a method we do not have gets gRPC's answer (UNIMPLEMENTED, as a
      // trailers-only response), not an HTTP 404 it can only report as a transport failure.
      const contentType = String(req.headers['content-type'] ?? '');
      if (req.method === 'POST' && /^application\/grpc(?:-web)?(?:[+;]|$)/i.test(contentType)) {
        const headers = {
          'content-type': contentType.split(';')[0] ?? 'application/grpc',
          'grpc-status': '12',
          'grpc-message': encodeGrpcMessage(`No such method: ${req.url?.split('?', 1)[0] ?? ''}`),
        };
        // Over HTTP/2 the status must ride on the one HEADERS frame that ends the stream: gRPC
        // clients read headers followed by an empty DATA frame as a call without a status.
        if ('stream' in res && res.stream)
          res.stream.respond({ ':status': 200, ...headers }, { endStream: true });
        else sendResponse(res, 200, headers);
        return;
      }
      deps.fallback(req, res);
      return;
    }
    const contextValues = createContextValues()
      .set(clientAddressKey, req.socket?.remoteAddress ?? 'unknown')
      .set(repeatedCredentialKey, repeatedCredentialHeader(req.rawHeaders));
    const request = universalRequestFromNodeRequest(req, res, undefined, contextValues);
    handler(request)
      .then((response) => repairResponse(request, response))
      .then((response) => universalResponseToNodeResponse(response, res))
      .catch((reason: unknown) => {
        // The client went away: nothing to answer. Anything else is a bug of ours, logged.
        if (ConnectError.from(reason).code === Code.Aborted) return;
        deps.reportError(reason);
      });
  };
}
