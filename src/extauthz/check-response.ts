import { create } from '@bufbuild/protobuf';
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
