import type { HttpRequest } from '../server/http-types.ts';

/** Our forms hold a few short fields; anything larger is not one of them. */
const MAX_FORM_BYTES = 16 * 1024;

/** Why a posted form was not read. */
export class FormBodyError extends Error {
  readonly status: 400 | 413 | 415;
  constructor(status: 400 | 413 | 415, message: string) {
    super(message);
    this.name = 'FormBodyError';
    this.status = status;
  }
}

/** Reads an `application/x-www-form-urlencoded` body, refusing other types and oversized bodies. */
export async function readForm(req: HttpRequest): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormBodyError(415, 'Forms must be sent as application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormBodyError(413, 'The form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
