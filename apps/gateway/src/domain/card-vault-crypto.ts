import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Encryption of card numbers at rest: AES-256-GCM under a key ring. New cards are sealed with the
 * active key; every key id stays able to open what it sealed, so keys rotate without re-encrypting.
 */

export const VAULT_KEY_BYTES = 32;
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;
const CIPHER = 'aes-256-gcm';
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
export const FINGERPRINT_LENGTH = 32;

export interface VaultKey {
  readonly id: string;
  readonly key: Buffer;
}

/** What the vault stores for one card: never the number itself. */
export interface SealedCardNumber {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly authTag: Buffer;
}

export class VaultKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultKeyError';
  }
}

/** Parses `<keyId>:<base64 of 32 bytes>[,<keyId>:<base64>...]`; the message never echoes key material. */
export function parseVaultKeys(text: string): VaultKey[] {
  const keys: VaultKey[] = [];
  const entries = text.split(',');
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(':');
    const id = separator === -1 ? '' : entry.slice(0, separator).trim();
    const encoded = separator === -1 ? '' : entry.slice(separator + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw new VaultKeyError(
        `entry ${index + 1}: expected <keyId>:<base64>, key id of letters, digits, _ or -`,
      );
    }
    if (!BASE64_PATTERN.test(encoded)) throw new VaultKeyError(`key ${id}: not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== VAULT_KEY_BYTES) {
      throw new VaultKeyError(`key ${id}: decodes to ${key.length} bytes, expected ${VAULT_KEY_BYTES}`);
    }
    if (keys.some((known) => known.id === id)) throw new VaultKeyError(`key ${id}: listed twice`);
    keys.push({ id, key });
  }
  return keys;
}

export class VaultKeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: readonly VaultKey[],
    readonly activeKeyId: string,
  ) {
    this.keys = new Map(keys.map((entry) => [entry.id, entry.key]));
    if (!this.keys.has(activeKeyId)) {
      throw new VaultKeyError(`active key ${activeKeyId} is not one of ${[...this.keys.keys()].join(', ')}`);
    }
  }

  /**
   * Seals a card number under the active key. The associated data (the vault token) binds the
   * ciphertext to its row: a ciphertext copied under another token does not open.
   */
  seal(plaintext: string, associatedData: string): SealedCardNumber {
    const key = this.keyFor(this.activeKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.activeKeyId, iv, ciphertext, authTag: cipher.getAuthTag() };
  }

  /** Opens a sealed number with the key it names; throws if the key is unknown or anything was altered. */
  open(sealed: SealedCardNumber, associatedData: string): string {
    const decipher = createDecipheriv(CIPHER, this.keyFor(sealed.keyId), sealed.iv, {
      authTagLength: AUTH_TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }

  private keyFor(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (key === undefined) throw new VaultKeyError(`unknown vault key ${keyId}`);
    return key;
  }
}

/**
 * A stable, keyed fingerprint of a card number: the same card gives the same fingerprint (for
 * velocity and duplicate checks) but it cannot be reversed or brute-forced without the secret.
 */
export function cardFingerprint(secret: string, cardNumber: string): string {
  return createHmac('sha256', secret)
    .update(cardNumber, 'utf8')
    .digest('base64url')
    .slice(0, FINGERPRINT_LENGTH);
}
