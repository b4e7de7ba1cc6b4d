import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { invalidArgument } from '../errors/auth-error.ts';
import type { PatService } from '../gen/semaswift/auth/v1/pat_service_pb.js';
import type { PatManager, PatView } from '../pats/pat-manager.ts';
import { clientAddressKey, noStore, principalOf } from './call-context.ts';
import { requireField } from './fields.ts';

const timestamp = (seconds: number) => timestampFromMs(seconds * 1000);

const patView = ({ record, effectivePermissions }: PatView) => ({
  id: record.id,
  name: record.name,
  expiresAt: timestamp(record.expiresAt),
  permissions: effectivePermissions,
  createdAt: timestamp(record.createdAt),
  lastUsedAt: record.lastUsedAt === null ? undefined : timestamp(record.lastUsedAt),
  userId: record.userId,
  tokenHint: record.tokenHint,
});

/** `semaswift.auth.v1.PatService` over the PAT domain. */
export function createPatService(deps: { pats: PatManager }): ServiceImpl<typeof PatService> {
  return {
    async createPat(request, context) {
      if (!request.expiresAt) throw invalidArgument('expires_at is required (RFC 3339).');
      const { token, view } = await deps.pats.create(
        principalOf(context),
        {
          name: requireField(request.name, 'name'),
          expiresAt: Math.floor(timestampDate(request.expiresAt).getTime() / 1000),
          permissions: request.permissions,
        },
        context.values.get(clientAddressKey),
      );
      noStore(context);
      const { id, name, expiresAt, permissions, createdAt } = patView(view);
      return { id, name, token, expiresAt, permissions, createdAt };
    },
    async listPats(request, context) {
      const views = await deps.pats.list(principalOf(context), request.organization);
      return { pats: views.map(patView) };
    },
    async getPat(request, context) {
      return patView(await deps.pats.get(principalOf(context), requireField(request.id, 'id')));
    },
    async revokePat(request, context) {
      await deps.pats.revoke(
        principalOf(context),
        requireField(request.id, 'id'),
        context.values.get(clientAddressKey),
      );
      return {};
    },
  };
}
