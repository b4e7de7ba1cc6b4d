import { readFileSync } from 'node:fs';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { AuthError } from '../errors/auth-error.ts';
import { writeJsonError } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';
import { restRoutesOf } from './http-rules.ts';
import { openApiDocument } from './openapi.ts';

/** Where the document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The document changes only with a deployment; caches may keep it a little. */
const MAX_AGE_SECONDS = 300;

/**
 * `GET /api/v1/openapi.json` (public): the OpenAPI document of the REST routes the transcoder
 * builds from the same services, built once here. Answers false for any other path.
 */
export function createOpenApiHandler(deps: {
  services: ReadonlyArray<{ readonly service: DescService }>;
  issuer: string;
  delegatedAccess?: (method: DescMethod) => readonly string[] | undefined;
}): (req: HttpRequest, res: HttpResponse) => boolean {
  const document = openApiDocument(restRoutesOf(deps.services.map((s) => s.service)), {
    version: packageVersion(),
    issuer: deps.issuer,
    ...(deps.delegatedAccess ? { delegatedAccess: deps.delegatedAccess } : {}),
  });
  const body = JSON.stringify(document);
  return (req, res) => {
    if ((req.url ?? '/').split('?')[0] !== OPENAPI_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      writeJsonError(
        res,
        new AuthError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${OPENAPI_PATH}.`),
      );
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
