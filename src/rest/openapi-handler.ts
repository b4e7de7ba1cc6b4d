import { readFileSync } from 'node:fs';
import type { DescMethod } from '@bufbuild/protobuf';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import type { RestRoute } from './http-rules.ts';
import { openApiDocument } from './openapi.ts';

/** Where the document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The document changes only with a deployment; caches may keep it a little. */
const MAX_AGE_SECONDS = 300;

/**
 * `GET /api/v1/openapi.json` (public): the OpenAPI document of the routes the REST transcoder
 * serves, built once here. Answers false for any other path.
 */
export function createOpenApiHandler(deps: {
  routes: readonly RestRoute[];
  issuer: string;
  delegatedAccess?: (method: DescMethod) => readonly string[] | undefined;
}): (req: HttpRequest, res: HttpResponse) => boolean {
  const document = openApiDocument(deps.routes, {
    version: packageVersion(),
    issuer: deps.issuer,
    ...(deps.delegatedAccess ? { delegatedAccess: deps.delegatedAccess } : {}),
  });
  const body = JSON.stringify(document);
  return (req, res) => {
    if ((req.url ?? '/').split('?')[0] !== OPENAPI_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      methodNotAllowed(req, res, OPENAPI_PATH, ['GET', 'HEAD']);
      return true;
    }
    const headers = {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${MAX_AGE_SECONDS}`,
      'content-length': Buffer.byteLength(body),
    };
    sendResponse(res, 200, headers, req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** The same relative path from src/rest and from the build's dist/rest. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
