import type { UniversalServerRequest, UniversalServerResponse } from '@connectrpc/connect/protocol';
import { errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { invalidArgument } from '../errors/auth-error.ts';
import { toConnectError } from '../errors/error-mapping.ts';
import { jsonDecodeFailure } from '../errors/json-decode.ts';

/*
 * Two things connect-node writes that our clients read wrongly, repaired on the way out:
 *
 * 1. A binary request body that is not valid protobuf is answered INTERNAL (HTTP 500 on Connect):
 *    connect-es's binary parser reports its failure with that code. It is the caller's mistake, so
 *    it becomes INVALID_ARGUMENT with our ErrorInfo, as a bad JSON body already is.
 *    A JSON body Connect cannot decode is INVALID_ARGUMENT already, but without our ErrorInfo and
 *    with the parser's message, which quotes the value (a password?): it gets both fixed.
 * 2. `grpc-message` is written with encodeURIComponent, which also escapes `:`, `,`, `;` and `/`;
 *    the gRPC spec escapes only bytes outside 0x20–0x7E and `%`, and @grpc/grpc-js decodes with
 *    decodeURI, so its users would read "A credential is required%3A …".
 *
 * connect-es's protocol helpers used here are marked internal: the lockfile pins the version, and
 * test/e2e/wire-repair.test.ts fails if their behaviour moves.
 */

const UNDECODABLE = /^parse binary: /;
const GRPC_CONTENT_TYPE = /^application\/grpc(?:\+proto)?(?:;|$)/i;
const CONNECT_UNARY_BINARY = /^application\/proto(?:;|$)/i;
const CONNECT_UNARY_JSON = /^application\/json(?:;|$)/i;

const undecodable = () => toConnectError(invalidArgument('The request message is not valid protobuf.'));

/** The response to send for `request`: `response`, repaired where it needs to be. */
export async function repairResponse(
  request: UniversalServerRequest,
  response: UniversalServerResponse,
): Promise<UniversalServerResponse> {
  const contentType = request.header.get('content-type') ?? '';
  if (GRPC_CONTENT_TYPE.test(contentType)) return repairGrpc(response);
  if (CONNECT_UNARY_BINARY.test(contentType) && response.status === 500) return repairConnectUnary(response);
  if (CONNECT_UNARY_JSON.test(contentType) && response.status === 400) return repairConnectUnary(response);
  return response;
}

function repairGrpc(response: UniversalServerResponse): UniversalServerResponse {
  const { body, trailer } = response;
  // Trailers-only answers carry the status in the headers.
  repairGrpcStatus(response.header);
  if (!trailer || !body) return response;
  return {
    ...response,
    body: (async function* () {
      yield* body;
      repairGrpcStatus(trailer);
    })(),
  };
}

function repairGrpcStatus(headers: Headers | undefined): void {
  const encoded = headers?.get('grpc-message');
  if (!headers || encoded === null || encoded === undefined) return;
  let message = safeDecode(encoded);
  if (headers.get('grpc-status') === '13' && UNDECODABLE.test(message)) {
    const replacement = undecodable();
    setTrailerStatus(headers, replacement);
    message = replacement.rawMessage;
  }
  headers.set('grpc-message', encodeGrpcMessage(message));
}

/** A Connect unary error is one small JSON body (uncompressed: errors are below the threshold). */
async function repairConnectUnary(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  if (!response.body || response.header?.get('content-encoding')) return response;
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const original = {
    ...response,
    body: (async function* () {
      yield bytes;
    })(),
  };
  let error: { code?: unknown; message?: unknown; details?: unknown };
  try {
    error = JSON.parse(bytes.toString('utf8'));
  } catch {
    return original;
  }
  if (typeof error.message !== 'string') return original;
  let replacement: ReturnType<typeof undecodable>;
  if (error.code === 'internal' && UNDECODABLE.test(error.message)) replacement = undecodable();
  // Ours always carry ErrorInfo: one without came from the JSON parser.
  else if (error.code === 'invalid_argument' && error.details === undefined) {
    replacement = toConnectError(jsonDecodeFailure(error.message));
  } else return original;
  const repaired = errorToJsonBytes(replacement, {});
  const header = new Headers(response.header);
  header.set('content-length', String(repaired.byteLength));
  return {
    ...response,
    status: 400,
    header,
    body: (async function* () {
      yield repaired;
    })(),
  };
}

/** gRPC's Percent-Encoded: every byte outside 0x20–0x7E, and `%`. */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte < 0x20 || byte > 0x7e || byte === 0x25
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte);
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
