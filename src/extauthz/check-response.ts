import { create, toBinary } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { errorBody, errorHeaders, httpStatusOf } from '../errors/error-mapping.ts';
import {
  HeaderValueOption_HeaderAppendAction,
  HeaderValueOptionSchema,
} from '../gen/envoy/config/core/v3/base_pb.js';
import { type CheckResponse, CheckResponseSchema } from '../gen/envoy/service/auth/v3/external_auth_pb.js';
import type { Decision } from './authorize-request.ts';

const overwrite = (key: string, value: string) =>
  create(HeaderValueOptionSchema, {
    header: { key, value },
    appendAction: HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
  });

/** gRPC status codes of denials, as CONTRACT §5 and Envoy expect them. */
const GRPC_CODE_BY_STATUS: Record<number, Code> = {
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  429: Code.ResourceExhausted,
  503: Code.Unavailable,
};

/**
 * A decision as Envoy's CheckResponse. Allowed: OK, identity headers that overwrite whatever the
 * client sent, the PAT removed, the principal in dynamic metadata (namespace of the ext_authz
 * filter) for rate-limit and access-log filters. Denied: the contract's JSON error as the body.
 */
export function toCheckResponse(decision: Decision): CheckResponse {
  if (decision.allowed) {
    const { principal } = decision;
    return create(CheckResponseSchema, {
      status: { code: 0 },
      httpResponse: {
        case: 'okResponse',
        value: {
          headers: decision.headersToSet.map(([key, value]) => overwrite(key, value)),
          headersToRemove: decision.headersToRemove,
        },
      },
      dynamicMetadata: {
        user_id: principal.userId,
        org_id: principal.organizationId,
        auth_method: principal.authMethod,
        ...(principal.authMethod === 'pat' ? { pat_id: principal.credentialId } : {}),
      },
    });
  }
  const { error } = decision;
  const status = httpStatusOf(error.code);
  const headers = Object.entries({ ...errorHeaders(error), 'content-type': 'application/json' });
  return create(CheckResponseSchema, {
    status: { code: GRPC_CODE_BY_STATUS[status] ?? Code.PermissionDenied, message: error.code },
    httpResponse: {
      case: 'deniedResponse',
      value: {
        status: { code: status },
        headers: headers.map(([key, value]) => overwrite(key, value)),
        body: JSON.stringify(errorBody(error)),
      },
    },
  });
}

/**
 * Encodes decisions, remembering the bytes of each allowed answer per principal (principals are
 * one object while their credential is cached) and per set of removed headers: a client reusing
 * its token gets the same bytes without a protobuf encode. Denials are encoded each time.
 */
export function createCheckResponseEncoder(): (decision: Decision) => Uint8Array {
  const allowed = new WeakMap<object, Map<string, Uint8Array>>();
  return (decision) => {
    if (!decision.allowed) return toBinary(CheckResponseSchema, toCheckResponse(decision));
    const key = decision.headersToRemove.join(',');
    let byShape = allowed.get(decision.principal);
    const hit = byShape?.get(key);
    if (hit) return hit;
    const bytes = toBinary(CheckResponseSchema, toCheckResponse(decision));
    if (!byShape) {
      byShape = new Map();
      allowed.set(decision.principal, byShape);
    }
    // Header shapes are few per client; the bound only stops a hostile one from growing it.
    if (byShape.size < 16) byShape.set(key, bytes);
    return bytes;
  };
}
