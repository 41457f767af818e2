import { createHash } from 'node:crypto';

/**
 * Keys of the shared request and failure counters (rate_limit_windows). An API key's own counter
 * is its hash (64 hex); every other kind is prefixed, so no two kinds can ever share a counter.
 */

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Failed authentications from one client IP: hashed, since an IP is personal data. */
export function clientFailureCounterKey(clientIp: string): string {
  return `auth_failures:${sha256(clientIp)}`;
}

/** Failed authentications with one presented credential (a revoked key retried, a sprayed guess). */
export function credentialFailureCounterKey(presented: string): string {
  return `auth_failures_credential:${sha256(presented)}`;
}

/** Requests of all the keys of one merchant together. */
export function merchantRequestCounterKey(merchantId: string): string {
  return `merchant_requests:${merchantId}`;
}
