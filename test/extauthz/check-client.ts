import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import {
  type CheckRequest,
  CheckRequestSchema,
  type CheckResponse,
  CheckResponseSchema,
} from '../../src/gen/envoy/service/auth/v3/external_auth_pb.js';

/** A grpc-js client for Envoy's Authorization/Check, as Envoy's own gRPC client would call it. */
export function createCheckClient(port: number) {
  const Client = grpc.makeGenericClientConstructor(
    {
      check: {
        path: '/envoy.service.auth.v3.Authorization/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (m: CheckRequest) => Buffer.from(toBinary(CheckRequestSchema, m)),
        requestDeserialize: (b: Buffer) => fromBinary(CheckRequestSchema, b),
        responseSerialize: (m: CheckResponse) => Buffer.from(toBinary(CheckResponseSchema, m)),
        responseDeserialize: (b: Buffer) => fromBinary(CheckResponseSchema, b),
      },
    },
    'Authorization',
  );
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    check(request: CheckRequest): Promise<CheckResponse> {
      return new Promise((resolve, reject) =>
        client.check?.(request, (error: grpc.ServiceError | null, response: CheckResponse) =>
          error ? reject(error) : resolve(response),
        ),
      );
    },
    close: () => client.close(),
  };
}

export interface EnvoyRequestShape {
  headers?: Record<string, string>;
  path?: string;
  method?: string;
  contextExtensions?: Record<string, string>;
}

/**
 * A CheckRequest shaped as Envoy builds it: lowercase header names including pseudo-headers, host
 * from `:authority`, the path with its query, source and destination peers.
 */
export function envoyCheckRequest(shape: EnvoyRequestShape): CheckRequest {
  const path = shape.path ?? '/api/tickets?page=1';
  const method = shape.method ?? 'GET';
  const init: MessageInitShape<typeof CheckRequestSchema> = {
    attributes: {
      source: {
        address: {
          address: {
            case: 'socketAddress',
            value: { address: '10.0.0.7', portSpecifier: { case: 'portValue', value: 51234 } },
          },
        },
      },
      destination: {
        address: {
          address: {
            case: 'socketAddress',
            value: { address: '10.0.0.2', portSpecifier: { case: 'portValue', value: 8000 } },
          },
        },
      },
      request: {
        http: {
          id: '1234567890',
          method,
          path,
          host: 'api.semaswift.test',
          scheme: 'https',
          protocol: 'HTTP/1.1',
          headers: {
            ':authority': 'api.semaswift.test',
            ':method': method,
            ':path': path,
            ':scheme': 'https',
            'user-agent': 'curl/8.5.0',
            'x-request-id': 'b0e7f0f4-3c56-4e83-8f5c-0c2d0b5b2a1e',
            'x-forwarded-proto': 'https',
            ...shape.headers,
          },
        },
      },
      contextExtensions: shape.contextExtensions ?? {},
    },
  };
  return create(CheckRequestSchema, init);
}

/** Response headers of an OK or denied CheckResponse as a plain object. */
export function headersOf(response: CheckResponse): Record<string, string> {
  const options =
    response.httpResponse.case === 'okResponse' || response.httpResponse.case === 'deniedResponse'
      ? response.httpResponse.value.headers
      : [];
  return Object.fromEntries(options.map((o) => [o.header?.key ?? '', o.header?.value ?? '']));
}
