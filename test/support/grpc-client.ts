import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Our protos and the third-party ones, loaded the way an internal service would: grpc-js with
 * proto-loader, snake_case field names, no generated code of ours.
 */
const definition = protoLoader.loadSync(
  [
    'semaswift/auth/v1/auth_service.proto',
    'semaswift/auth/v1/user_service.proto',
    'semaswift/auth/v1/pat_service.proto',
    'health/v1/health.proto',
    'google/rpc/status.proto',
    'google/rpc/error_details.proto',
  ],
  {
    keepCase: true,
    enums: String,
    longs: String,
    defaults: false,
    includeDirs: [
      join(ROOT, 'proto'),
      join(ROOT, 'node_modules/@grpc/grpc-js-xds/deps/googleapis'),
      join(ROOT, 'node_modules/grpc-health-check/proto'),
    ],
  },
);
const loaded = grpc.loadPackageDefinition(definition);

type ServiceConstructor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;

function service(path: string): ServiceConstructor {
  const found = path
    .split('.')
    .reduce<unknown>((node, name) => (node as Record<string, unknown>)[name], loaded);
  if (typeof found !== 'function') throw new Error(`${path} is not a service`);
  return found as ServiceConstructor;
}

export interface GrpcStubs {
  auth: grpc.Client;
  users: grpc.Client;
  pats: grpc.Client;
  health: grpc.Client;
  close(): void;
}

/** Cleartext (h2c) stubs for the main port. */
export function grpcStubs(port: number): GrpcStubs {
  const address = `127.0.0.1:${port}`;
  const credentials = grpc.credentials.createInsecure();
  const auth = new (service('semaswift.auth.v1.AuthService'))(address, credentials);
  const users = new (service('semaswift.auth.v1.UserService'))(address, credentials);
  const pats = new (service('semaswift.auth.v1.PatService'))(address, credentials);
  const health = new (service('grpc.health.v1.Health'))(address, credentials);
  return {
    auth,
    users,
    pats,
    health,
    close() {
      for (const client of [auth, users, pats, health]) client.close();
    },
  };
}

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response: unknown) => void,
) => void;

/**
 * One unary call; `credentials` is sent as metadata: a string is the `authorization` value, an
 * object names its entries (`{ 'x-api-key': pat }`).
 */
export function unary<T = Record<string, unknown>>(
  client: grpc.Client,
  method: string,
  request: object,
  credentials?: string | Record<string, string>,
): Promise<T> {
  const metadata = new grpc.Metadata();
  const entries = typeof credentials === 'string' ? { authorization: credentials } : (credentials ?? {});
  for (const [name, value] of Object.entries(entries)) metadata.set(name, value);
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return new Promise((resolvePromise, reject) => {
    fn.call(client, request, metadata, (error, response) =>
      error ? reject(error) : resolvePromise(response as T),
    );
  });
}

/** The error a call failed with (and a failure if it did not fail). */
export async function failureOf(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error('the call succeeded');
}

export interface ErrorInfo {
  reason: string;
  domain: string;
}

/** Decodes the `grpc-status-details-bin` trailer (google.rpc.Status) and finds its ErrorInfo. */
export function errorInfoOf(error: grpc.ServiceError): ErrorInfo | undefined {
  const [bin] = error.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(bin)) return undefined;
  const statusType = definition['google.rpc.Status'] as protoLoader.MessageTypeDefinition<object, object>;
  const infoType = definition['google.rpc.ErrorInfo'] as protoLoader.MessageTypeDefinition<object, object>;
  const status = statusType.deserialize(bin) as {
    code: number;
    details?: Array<{ type_url: string; value: Buffer }>;
  };
  if (status.code !== error.code)
    throw new Error(`status details say ${status.code}, the call ${error.code}`);
  const detail = status.details?.find((d) => d.type_url === 'type.googleapis.com/google.rpc.ErrorInfo');
  return detail ? (infoType.deserialize(detail.value) as ErrorInfo) : undefined;
}

export { grpc };
