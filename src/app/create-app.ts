import type { Logger } from 'pino';
import { createRefresh } from '../auth/refresh.ts';
import { createSignIn } from '../auth/sign-in.ts';
import { createConnectHandler } from '../connect/connect-handler.ts';
import { createDashboard } from '../dashboard/create-dashboard.ts';
import { ensureDashboardClient } from '../dashboard/dashboard-client.ts';
import { AuthError } from '../errors/auth-error.ts';
import { createHttpCheckHandler } from '../extauthz/http-check-handler.ts';
import { Health } from '../gen/health/v1/health_pb.js';
import { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import { HealthService } from '../gen/semaswift/auth/v1/health_service_pb.js';
import { PatService } from '../gen/semaswift/auth/v1/pat_service_pb.js';
import { TokenService } from '../gen/semaswift/auth/v1/token_service_pb.js';
import { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';
import type { KeyRing } from '../keys/key-ring.ts';
import type { ServerSecret } from '../keys/server-secret.ts';
import { createOAuth } from '../oauth/create-oauth.ts';
import { delegatedAccess } from '../oauth/delegated-access.ts';
import { createMfaSecondFactorStep } from '../oauth/mfa-second-factor.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { withRequestLog } from '../observability/request-log.ts';
import { createCallGuard } from '../principal/access-policy.ts';
import type { Authenticator } from '../principal/authenticator.ts';
import { restRoutesOf } from '../rest/http-rules.ts';
import { createOpenApiHandler } from '../rest/openapi-handler.ts';
import { createRestHandler } from '../rest/rest-handler.ts';
import { createAuthService } from '../rpc/auth-service.ts';
import { createGrpcHealthService, createRestHealthService, type HealthState } from '../rpc/health-service.ts';
import { createMfaSettingsHandlers } from '../rpc/mfa-settings-handlers.ts';
import { createPatService } from '../rpc/pat-service.ts';
import { register } from '../rpc/services.ts';
import { createTokenService } from '../rpc/token-service.ts';
import { createUserService } from '../rpc/user-service.ts';
import { createErrorReporter, writeJsonError } from '../server/http-errors.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from '../server/http-types.ts';
import type { Store } from '../storage/store.ts';
import { createIntrospect } from '../tokens/introspection.ts';
import { createMetricsEndpoint } from '../web/metrics-endpoint.ts';
import { createWellKnownHandler } from '../web/well-known.ts';
import { createDomain, type DomainConfig } from './create-domain.ts';

export interface App {
  /** Serves everything on the main port. */
  handler: HttpHandler;
  /** The one credential → principal function, for the ext_authz port. */
  authenticate: Authenticator;
  metrics: Metrics;
  keyRing: KeyRing;
  health: HealthState;
  close(): Promise<void>;
}

type AppConfig = DomainConfig;

/** Wires the domain to its transports. Every dependency is passed in; nothing is a module global. */
export async function createApp(
  config: AppConfig,
  deps: { store: Store; logger: Logger; secret: ServerSecret; metrics?: Metrics },
): Promise<App> {
  const { store, logger, secret } = deps;
  const domain = await createDomain(config, deps);
  const { keyRing, verifier, hasher, bruteForce, sessions, mfa, users, pats, oauthGrants, authenticate } =
    domain;
  const health: HealthState = { serving: true };

  const ourServices = [AuthService, TokenService, UserService, PatService, HealthService];
  const services = [
    register(
      AuthService,
      createAuthService({
        signIn: createSignIn({ store, hasher, bruteForce, sessions, mfa: mfa.signIn }),
        mfaSignIn: mfa.signIn,
        refresh: createRefresh({ sessions, bruteForce }),
        sessions,
        mfaSettings: createMfaSettingsHandlers({ mfa, findUser: (id) => store.findUserById(id) }),
      }),
    ),
    register(
      TokenService,
      createTokenService({
        introspect: createIntrospect({
          verifier,
          store,
          delegatedGrants: oauthGrants,
          patAuthenticator: domain.patAuthenticator,
          audience: config.audience,
        }),
      }),
    ),
    register(UserService, createUserService({ users })),
    register(PatService, createPatService({ pats })),
    register(
      HealthService,
      createRestHealthService(
        health,
        ourServices.map((s) => s.typeName),
      ),
    ),
    {
      service: Health,
      impl: createGrpcHealthService(
        health,
        ourServices.map((s) => s.typeName),
      ),
    },
  ];

  const guard = createCallGuard(authenticate, {
    publicMethods: [Health.method.check, Health.method.watch],
    delegatedAccess,
  });
  const reportError = createErrorReporter(logger);
  const routes = restRoutesOf(services.map((s) => s.service));
  const rest = createRestHandler({ services, routes, guard, reportError });
  const openApi = createOpenApiHandler({ routes, issuer: config.issuer, delegatedAccess });
  const extAuthzHttp = createHttpCheckHandler({ authenticate, audience: config.audience });
  const wellKnown = createWellKnownHandler({ keyRing });
  const oauth = createOAuth(config, {
    store,
    keyRing,
    verifier,
    authenticate,
    liveness: oauthGrants,
    hasher,
    bruteForce,
    secondFactor: createMfaSecondFactorStep({ signIn: mfa.signIn, status: mfa.status, store }),
    secret,
    logger,
  });
  // The dashboard signs in through the provider above, as its first-party client.
  await ensureDashboardClient(store, { issuer: config.issuer, logger });
  const dashboard = createDashboard({
    issuer: config.issuer,
    authenticate,
    store,
    pats,
    mfa,
    patMaxTtlDays: config.patMaxTtlDays,
    secret,
    appHandler: () => handler,
    logger,
  });
  const metrics = deps.metrics ?? createMetrics();

  // What is not an RPC, tried in order; each answers true when the request was its own.
  const pages: Array<(req: HttpRequest, res: HttpResponse) => boolean | Promise<boolean>> = [
    wellKnown,
    oauth.handler,
    dashboard,
    createMetricsEndpoint(metrics),
    extAuthzHttp,
    openApi,
    rest,
  ];
  const connect = createConnectHandler({
    services,
    guard,
    reportError,
    fallback: (req, res) => {
      (async () => {
        for (const page of pages) if (await page(req, res)) return;
        writeJsonError(res, new AuthError('NOT_FOUND', 'No such path.'));
      })().catch((error: unknown) => writeJsonError(res, reportError(error)));
    },
  });

  const handler = withRequestLog(logger, metrics, connect);
  return {
    handler,
    authenticate,
    metrics,
    keyRing,
    health,
    async close() {
      oauth.close();
      await domain.close();
    },
  };
}
