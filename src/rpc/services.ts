import type { DescService } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';

/** A service and its implementation, served by every transport. */
export interface RegisteredService {
  readonly service: DescService;
  readonly impl: Partial<ServiceImpl<DescService>>;
}

/** Pairs a service with its implementation, keeping the implementation's type checked. */
export const register = <S extends DescService>(service: S, impl: ServiceImpl<S>): RegisteredService => ({
  service,
  impl: impl as unknown as Partial<ServiceImpl<DescService>>,
});
