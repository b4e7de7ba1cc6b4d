import { create, toBinary } from '@bufbuild/protobuf';
import { CheckRequestSchema } from '../src/gen/envoy/service/auth/v3/external_auth_pb.js';

/** A gRPC length-prefixed message (uncompressed). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  return frame;
}

/** A CheckRequest as Envoy sends it for `GET /api/tickets` with the given credential headers. */
export function checkFrame(headers: Record<string, string>): Buffer {
  const request = create(CheckRequestSchema, {
    attributes: {
      request: {
        http: {
          method: 'GET',
          path: '/api/tickets?page=1',
          host: 'api.semaswift.test',
          headers: {
            ':authority': 'api.semaswift.test',
            ':method': 'GET',
            ':path': '/api/tickets?page=1',
            ...headers,
          },
        },
      },
      contextExtensions: { required_permissions: 'user:read' },
    },
  });
  return grpcFrame(toBinary(CheckRequestSchema, request));
}

/** An empty grpc.health.v1.HealthCheckRequest. */
export const healthFrame = (): Buffer => grpcFrame(new Uint8Array());
