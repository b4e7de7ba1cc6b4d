import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stdout. Redaction is a second line of defence: code never passes a
 * password, token or key to the logger in the first place.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'semaswift-auth' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', '*.headers'],
      censor: '[redacted]',
    },
  });
}
