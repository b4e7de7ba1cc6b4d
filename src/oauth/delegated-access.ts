import type { DescMethod } from '@bufbuild/protobuf';
import { PatService } from '../gen/semaswift/auth/v1/pat_service_pb.js';
import { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';

/**
 * What an OAuth access token needs for the RPCs that are open to any credential; an RPC not listed
 * is refused to such tokens. A token granted no permission scope can read who it acts for and
 * nothing else (besides `/oauth2/userinfo`); in particular it cannot mint a PAT, which would
 * outlive and outgrow it.
 */
const DELEGATED_ACCESS: ReadonlyMap<DescMethod, readonly string[]> = new Map<DescMethod, readonly string[]>([
  [UserService.method.getMe, []],
  [PatService.method.listPats, ['pat:read']],
  [PatService.method.getPat, ['pat:read']],
  [PatService.method.createPat, ['pat:write']],
  [PatService.method.revokePat, ['pat:write']],
]);

/** The `delegatedAccess` rule of the call guard (see access-policy.ts). */
export const delegatedAccess = (method: DescMethod): readonly string[] | undefined =>
  DELEGATED_ACCESS.get(method);
