import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { AuthError } from '../errors/auth-error.ts';
import { type Health, HealthCheckResponse_ServingStatus } from '../gen/health/v1/health_pb.js';
import type { HealthService } from '../gen/semaswift/auth/v1/health_service_pb.js';

/** What the health checks report; SERVING until shutdown begins. */
export interface HealthState {
  serving: boolean;
}

const statusOf = (state: HealthState) =>
  state.serving ? HealthCheckResponse_ServingStatus.SERVING : HealthCheckResponse_ServingStatus.NOT_SERVING;

/**
 * `GET /api/v1/health` (`?service=` optional): the REST view of the same answer, with the same
 * rule for a service name it does not know.
 */
export function createRestHealthService(
  state: HealthState,
  services: readonly string[],
): ServiceImpl<typeof HealthService> {
  return {
    check(request) {
      if (request.service !== '' && !services.includes(request.service)) {
        throw new AuthError('NOT_FOUND', 'No such service.');
      }
      return { status: statusOf(state) };
    },
  };
}

/**
 * The standard `grpc.health.v1.Health` (Check only: Watch streams are not offered). `service` is
 * '' for the whole server or one of `services`; any other name is NOT_FOUND, as the spec says.
 */
export function createGrpcHealthService(
  state: HealthState,
  services: readonly string[],
): Partial<ServiceImpl<typeof Health>> {
  return {
    check(request) {
      if (request.service !== '' && !services.includes(request.service)) {
        throw new ConnectError(`unknown service ${request.service}`, Code.NotFound);
      }
      return { status: statusOf(state) };
    },
  };
}
