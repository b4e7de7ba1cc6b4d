import { type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { CheckRequestSchema, CheckResponseSchema } from '../gen/envoy/service/auth/v3/external_auth_pb.js';
import {
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from '../gen/health/v1/health_pb.js';
import type { Metrics } from '../observability/metrics.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import { authorizeRequest } from './authorize-request.ts';
import { createCheckResponseEncoder } from './check-response.ts';
import { proxiedHeaders } from './proxied-headers.ts';
import { routePolicyOf } from './route-policy.ts';

/**
 * What a request that is not the method's protobuf message decodes to. grpc-js answers INTERNAL
 * when a deserializer throws, which blames us for the caller's bytes; handlers answer
 * INVALID_ARGUMENT for this instead.
 */
const UNDECODABLE = Symbol('undecodable request');
type Decoded<I extends DescMessage> = MessageShape<I> | typeof UNDECODABLE;

const invalidArgument = { code: grpc.status.INVALID_ARGUMENT, details: 'The request is not valid protobuf.' };

/** A unary method of a grpc-js service, (de)serialised with protobuf-es generated schemas. */
function unary<I extends DescMessage, O extends DescMessage>(path: string, input: I, output: O) {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message: MessageShape<I>) => Buffer.from(toBinary(input, message)),
    requestDeserialize: (bytes: Buffer): Decoded<I> => {
      try {
        return fromBinary(input, bytes);
      } catch {
        return UNDECODABLE;
      }
    },
    responseSerialize: (message: MessageShape<O>) => Buffer.from(toBinary(output, message)),
    responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
  } as const;
}

const AUTHORIZATION = {
  check: {
    ...unary('/envoy.service.auth.v3.Authorization/Check', CheckRequestSchema, CheckResponseSchema),
    // Answers arrive already encoded (and often cached): see createCheckResponseEncoder.
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  },
};
const HEALTH = {
  check: unary('/grpc.health.v1.Health/Check', HealthCheckRequestSchema, HealthCheckResponseSchema),
};

export interface ExtAuthzServerDeps {
  authenticate: Authenticator;
  metrics: Pick<Metrics, 'extAuthzChecks'>;
  /** The API audience: what a PAT, which carries none, is for. */
  audience: string;
  isServing: () => boolean;
}

export interface ExtAuthzServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The ext_authz port: `envoy.service.auth.v3.Authorization/Check` and `grpc.health.v1.Health`, on
 * grpc-js (the fastest Node gRPC server measured here; this is every proxied request's hot path).
 * A denial is a CheckResponse, never an RPC error.
 */
export async function startExtAuthzServer(
  deps: ExtAuthzServerDeps,
  options: { host: string; port: number },
): Promise<ExtAuthzServer> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 1 << 20 });
  const encode = createCheckResponseEncoder();
  // prom-client hashes a labels object on every inc(); the few label pairs keep their counters.
  const counters = new Map<string, { inc(): void }>();
  const count = (result: string, method: string) => {
    const key = `${result} ${method}`;
    let counter = counters.get(key);
    if (counter === undefined) {
      counter = deps.metrics.extAuthzChecks.labels({ result, method });
      counters.set(key, counter);
    }
    counter.inc();
  };
  server.addService(AUTHORIZATION, {
    check: (
      call: grpc.ServerUnaryCall<Decoded<typeof CheckRequestSchema>, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      const { request } = call;
      if (request === UNDECODABLE) {
        count('INVALID_ARGUMENT', 'none');
        callback(invalidArgument);
        return;
      }
      const http = request.attributes?.request?.http;
      const extensions = request.attributes?.contextExtensions ?? {};
      authorizeRequest(
        deps.authenticate,
        { headers: proxiedHeaders(http), path: http?.path ?? '' },
        routePolicyOf(extensions),
        deps.audience,
      ).then((decision) => {
        if (decision.allowed) count('allow', decision.principal.authMethod);
        else count(decision.error.code, 'none');
        callback(null, encode(decision));
      });
    },
  });
  server.addService(HEALTH, {
    check: (
      call: grpc.ServerUnaryCall<Decoded<typeof HealthCheckRequestSchema>, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (call.request === UNDECODABLE) {
        callback(invalidArgument);
        return;
      }
      const known = ['', 'envoy.service.auth.v3.Authorization'];
      if (!known.includes(call.request.service)) {
        callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        return;
      }
      const status = deps.isServing()
        ? HealthCheckResponse_ServingStatus.SERVING
        : HealthCheckResponse_ServingStatus.NOT_SERVING;
      callback(null, { $typeName: 'grpc.health.v1.HealthCheckResponse', status });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
