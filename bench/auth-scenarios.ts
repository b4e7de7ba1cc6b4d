// The login and refresh scenarios, shared by the SQLite server and the PostgreSQL one so that their
// figures compare like with like.
import { type LoadResult, runLoad } from './support.ts';

export interface Credentials {
  email: string;
  password: string;
}

/** Sign-ins with one account over 4 connections: argon2id-bound, so few connections suffice. */
export function loginScenario(
  baseUrl: string,
  credentials: Credentials,
  seconds: number,
): Promise<LoadResult> {
  return runLoad({
    url: `${baseUrl}/api/v1/auth/login`,
    method: 'POST',
    body: JSON.stringify(credentials),
    connections: 4,
    durationSeconds: seconds,
  });
}

/** `count` sessions of the account: their token pairs. */
export function signIn(
  baseUrl: string,
  credentials: Credentials,
  count: number,
): Promise<Array<Record<string, string>>> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
      return (await response.json()) as Record<string, string>;
    }),
  );
}

/** Refreshes over one connection per session: each request spends a token and keeps its successor. */
export function refreshScenario(
  baseUrl: string,
  pairs: Array<Record<string, string>>,
  seconds: number,
): Promise<LoadResult> {
  return runLoad({
    url: `${baseUrl}/api/v1/auth/refresh`,
    method: 'POST',
    refreshTokens: pairs.map((pair) => pair.refresh_token),
    connections: pairs.length,
    durationSeconds: seconds,
  });
}
