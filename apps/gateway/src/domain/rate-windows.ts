import { createHash } from 'node:crypto';

/** Fixed windows for request counting: the window a moment falls in, and how long until it ends. */
export interface FixedWindow {
  readonly start: Date;
  /** Whole seconds until the window ends (at least 1): the Retry-After of a refusal. */
  readonly retryAfterSeconds: number;
}

export function fixedWindowAt(now: Date, windowSeconds: number): FixedWindow {
  const windowMs = windowSeconds * 1000;
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    start: new Date(startMs),
    retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - now.getTime()) / 1000)),
  };
}

/**
 * The counter key of a client IP's failed authentications: hashed (an IP is personal data) and
 * prefixed so it can never equal an API key's hash in the same table.
 */
export function authFailureCounterKey(clientIp: string): string {
  return `auth_failures:${createHash('sha256').update(clientIp, 'utf8').digest('hex')}`;
}
