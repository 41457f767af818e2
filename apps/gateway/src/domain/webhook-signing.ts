import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe's scheme: header `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
 * under the endpoint's signing secret. The timestamp inside the signed text stops replays.
 */

export const WEBHOOK_SIGNATURE_HEADER = 'Platform-Signature';

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

export function webhookSignatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${webhookSignature(secret, timestampSeconds, body)}`;
}

/**
 * The header while a rotated secret overlaps the new one: one v1= per secret, newest first, over
 * the same timestamp, so a receiver holding either secret verifies the delivery (Stripe does the same).
 */
export function webhookSignatureHeaderFor(
  secrets: readonly string[],
  timestampSeconds: number,
  body: string,
): string {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  const signatures = secrets.map((secret) => `v1=${webhookSignature(secret, timestampSeconds, body)}`);
  return [`t=${timestampSeconds}`, ...signatures].join(',');
}

/** What a receiver does: parse the header, recompute, compare in constant time, bound the age. */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds: number,
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    if (separator <= 0) continue;
    const name = item.slice(0, separator).trim();
    parts.set(name, [...(parts.get(name) ?? []), item.slice(separator + 1).trim()]);
  }
  const timestamp = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  return (parts.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface RetryPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** After this long since the event, a failing delivery is given up. */
  readonly retryWindowMs: number;
}

/** When the next attempt is due after `attemptsMade` failures, or null when it is time to give up. */
export function nextAttemptAt(
  policy: RetryPolicy,
  firstCreatedAt: Date,
  attemptsMade: number,
  now: Date,
): Date | null {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 40);
  const delayMs = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  const due = new Date(now.getTime() + delayMs);
  return due.getTime() - firstCreatedAt.getTime() > policy.retryWindowMs ? null : due;
}
