import { createHash } from 'node:crypto';
import { API_KEY_RANDOM_LENGTH } from './random-identifiers';

/** How merchants and operators prove who they are: API keys stored as hashes, bearer tokens. */

const API_KEY_PATTERN = new RegExp(`^sk_test_[A-Za-z0-9]{${API_KEY_RANDOM_LENGTH}}$`);
const API_KEY_DISPLAY_LENGTH = 4;

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

/** What the database keeps of an API key: its sha256 (hex) for lookup, its last chars for display. */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyLast4(key: string): string {
  return key.slice(-API_KEY_DISPLAY_LENGTH);
}

/**
 * The credential in an Authorization header: `Bearer <key>`, or Basic with the key as user name
 * (as Stripe clients send it). Null when the header is missing or of another kind.
 */
export function credentialFromAuthorization(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (match === null) return null;
  const [, scheme = '', value = ''] = match;
  if (scheme.toLowerCase() === 'bearer') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const user = separator === -1 ? decoded : decoded.slice(0, separator);
  return user === '' ? null : user;
}
