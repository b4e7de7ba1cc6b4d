import { createHash } from 'node:crypto';
import { methodNotAllowed } from '../server/http-errors.ts';
import { type HttpRequest, type HttpResponse, sendResponse } from '../server/http-types.ts';

/** Serves one fixed text asset; answers true when the request was for it. */
export type StaticAsset = ((req: HttpRequest, res: HttpResponse) => boolean) & {
  /** The URL pages link to: the path and the content hash. */
  readonly url: string;
  /** Where it is served, without the hash. */
  readonly path: string;
};

/**
 * A small asset kept in memory (a stylesheet, a script), cacheable for a day and revalidated by its
 * ETag. Its URL carries the content hash (`?v=`), so a page always loads the version it was
 * rendered with, even while a cached copy is fresh.
 */
export function createStaticAsset(options: { path: string; contentType: string; body: string }): StaticAsset {
  const hash = createHash('sha256').update(options.body).digest('base64url').slice(0, 16);
  const etag = `"${hash}"`;
  const serve = (req: HttpRequest, res: HttpResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== options.path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      methodNotAllowed(req, res, options.path, ['GET', 'HEAD']);
      return true;
    }
    const headers = {
      'content-type': options.contentType,
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
      etag,
    };
    if (req.headers['if-none-match'] === etag) sendResponse(res, 304, headers);
    else sendResponse(res, 200, headers, req.method === 'HEAD' ? undefined : options.body);
    return true;
  };
  return Object.assign(serve, { url: `${options.path}?v=${hash}`, path: options.path });
}
