import { createHmac } from 'node:crypto';

/** Idempotency-Key rules: which keys are acceptable and what makes two requests "the same". */

const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_LENGTH_MAX}}$`);

export function isWellFormedIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY_PATTERN.test(key);
}

/**
 * Levels canonicalJson descends. Request bodies are refused past 20 levels before they are hashed
 * (service-runtime's input limits); this bound keeps the recursion safe for any other caller.
 */
export const CANONICAL_JSON_DEPTH_MAX = 64;

/** JSON with object keys sorted at every depth, so key order never makes two bodies differ. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > CANONICAL_JSON_DEPTH_MAX) {
    throw new RangeError(`canonicalJson: nested deeper than ${CANONICAL_JSON_DEPTH_MAX} levels`);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What a claim remembers of its request: a keyed HMAC, never a plain hash, because a body may
 * carry a card number and a plain sha256 of a few billion candidate numbers is easily reversed.
 */
export function idempotencyRequestHash(secret: string, method: string, path: string, body: unknown): string {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`, 'utf8')
    .digest('hex');
}
