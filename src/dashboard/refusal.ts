import { AuthError } from '../errors/auth-error.ts';

/**
 * What a refused action tells the person, and the page's status: the domain's AuthError messages
 * are written to be shown. Anything else (a bug, an INTERNAL error) is thrown on, to the 500 page.
 */
export function refusalOf(error: unknown): { status: number; message: string } {
  if (!(error instanceof AuthError)) throw error;
  switch (error.code) {
    case 'RATE_LIMITED': {
      const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
      return {
        status: 429,
        message: `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      };
    }
    case 'UNAVAILABLE':
      return { status: 503, message: 'This is unavailable right now. Please try again shortly.' };
    case 'INVALID_CREDENTIALS':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_INVALID':
      return { status: 401, message: error.message };
    case 'INSUFFICIENT_PERMISSIONS':
      return { status: 403, message: error.message };
    case 'NOT_FOUND':
      return { status: 404, message: error.message };
    case 'ALREADY_EXISTS':
      return { status: 409, message: error.message };
    case 'INTERNAL':
      throw error;
    default:
      return { status: 400, message: error.message };
  }
}
