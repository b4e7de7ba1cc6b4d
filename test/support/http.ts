import { expect } from 'vitest';

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiRequest {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent verbatim as the body, with `Content-Type: application/json`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One REST call with `fetch`, the way the docs' curl examples make it. */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  request: ApiRequest = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (request.json !== undefined || request.rawBody !== undefined) {
    headers['content-type'] = 'application/json';
    body = request.rawBody ?? JSON.stringify(request.json);
  }
  const response = await fetch(new URL(path, baseUrl), {
    method: request.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: the assertions will say what was expected.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/**
 * Asserts the contract's error answer: the status, exactly `{"error":{"code","message"}}` as JSON,
 * and `WWW-Authenticate: Bearer…` on a 401.
 */
export function expectError(response: ApiResponse<unknown>, status: number, code: string): void {
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  else if (code === 'INSUFFICIENT_PERMISSIONS') {
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
  } else expect(response.headers.get('www-authenticate')).toBeNull();
}
