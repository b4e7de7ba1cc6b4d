import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { AuthError, invalidArgument } from '../errors/auth-error.ts';

/** Larger bodies are refused: nothing we accept comes near it. */
const MAX_BODY_BYTES = 64 * 1024;

/** Reads and parses a JSON object body; an empty body is `{}`. */
export async function readJsonObject(
  req: IncomingMessage | Http2ServerRequest,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new AuthError('PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgument('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidArgument('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
