import { createHmac } from 'node:crypto';
import type { VelocityKey } from './risk-rules';

/**
 * What risk keeps of a payment's velocity keys: the customer's id, email and IP only as a keyed
 * hash (HMAC-SHA256, hex), so velocity still counts equal values together while neither the
 * velocity table nor an assessment holds them in plain text, and without the key a stored hash
 * cannot be checked against a guessed email or IP. The card fingerprint is kept as the gateway
 * issued it: it is already a keyed hash of the card number, and analysts block cards by it.
 */

export const HASHED_VELOCITY_KEYS: readonly VelocityKey[] = ['customer', 'email', 'ip'];

/** The hex HMAC-SHA256 of one key's value; the key is part of the input, so kinds never collide. */
export function screenedKeyHash(secret: string, key: VelocityKey, value: string): string {
  return createHmac('sha256', secret).update(`${key}\n${value}`).digest('hex');
}

/** The keys as stored: personal values hashed (see HASHED_VELOCITY_KEYS), the card fingerprint as is. */
export function hashScreenedKeys<K extends { readonly key: VelocityKey; readonly value: string }>(
  secret: string,
  keys: readonly K[],
): K[] {
  return keys.map((entry) =>
    HASHED_VELOCITY_KEYS.includes(entry.key)
      ? { ...entry, value: screenedKeyHash(secret, entry.key, entry.value) }
      : entry,
  );
}
