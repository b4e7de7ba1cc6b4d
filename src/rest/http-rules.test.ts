import { describe, expect, it } from 'vitest';
import { AuthService } from '../gen/semaswift/auth/v1/auth_service_pb.js';
import { HealthService } from '../gen/semaswift/auth/v1/health_service_pb.js';
import { TokenService } from '../gen/semaswift/auth/v1/token_service_pb.js';
import { UserService } from '../gen/semaswift/auth/v1/user_service_pb.js';
import { restRoutesOf } from './http-rules.ts';

describe('REST routes from google.api.http', () => {
  const routes = restRoutesOf([AuthService, TokenService, UserService, HealthService]);
  const table = routes.map((r) => `${r.httpMethod} ${r.template.source} ${r.method.name} ${r.body}`);

  it('derives every documented path from the protos', () => {
    expect(table).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login Login *',
        'POST /api/v1/auth/refresh Refresh *',
        'POST /api/v1/auth/logout Logout *',
        'POST /api/v1/tokens/introspect Introspect *',
        'GET /api/v1/users ListUsers ',
        'POST /api/v1/users CreateUser *',
        'GET /api/v1/users/me GetMe ',
        'GET /api/v1/health Check ',
      ]),
    );
  });

  it('gives every annotated unary RPC a route', () => {
    const annotated = [AuthService, TokenService, UserService, HealthService].flatMap((s) => s.methods);
    expect(new Set(routes.map((r) => r.method))).toEqual(new Set(annotated));
  });
});
