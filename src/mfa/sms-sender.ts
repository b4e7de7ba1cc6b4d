import type { Logger } from 'pino';
import { AuthError } from '../errors/auth-error.ts';

/** One text message. */
export interface SmsMessage {
  /** E.164. */
  to: string;
  body: string;
}

/** Delivers text messages; rejects when the message could not be handed over. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/**
 * CONTRACT §6: POSTs `{"to","body"}` as JSON to the gateway adapter at `url`. Anything but a 2xx
 * answer within `timeoutMs` is a failed delivery. Errors name the status only, never the body.
 */
export function createWebhookSmsSender(url: string, options: { timeoutMs: number }): SmsSender {
  return {
    async send(message) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: message.to, body: message.body }),
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'error',
        });
        // Read to the end so the connection can be reused; the content is of no interest.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        // A plain, short cause for the log: fetch's TimeoutError is a DOMException that logs as
        // two dozen legacy constants, and its own errors may quote the URL's credentials.
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        throw new Error(
          timedOut
            ? `the SMS webhook did not answer within ${options.timeoutMs} ms`
            : 'the SMS webhook could not be reached',
        );
      }
      if (!response.ok) throw new Error(`the SMS webhook answered HTTP ${response.status}`);
    },
  };
}

/** Development without a gateway: the message goes to the log, where the developer reads the code. */
export function createLoggingSmsSender(logger: Logger): SmsSender {
  return {
    async send(message) {
      logger.warn(
        { sms: { to: message.to, body: message.body } },
        'SMS not sent (development: no --sms-webhook-url); its text is logged instead',
      );
    },
  };
}

/** Production without a gateway: SMS is unavailable rather than silently logged. */
export const unconfiguredSmsSender: SmsSender = {
  async send() {
    throw new AuthError('UNAVAILABLE', 'SMS delivery is not configured on this server.');
  },
};

/**
 * The sender the configuration calls for: the webhook when `--sms-webhook-url` is set; otherwise
 * the log in development, and none at all in production (NODE_ENV=production), where writing codes
 * to a log would leak them.
 */
export function chooseSmsSender(options: {
  webhookUrl: string | undefined;
  production: boolean;
  timeoutMs: number;
  logger: Logger;
}): SmsSender {
  if (options.webhookUrl) return createWebhookSmsSender(options.webhookUrl, options);
  return options.production ? unconfiguredSmsSender : createLoggingSmsSender(options.logger);
}
