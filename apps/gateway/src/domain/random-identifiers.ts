import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_RANDOM_LENGTH = 24;
export const API_KEY_RANDOM_LENGTH = 32;

/** Uniform random base62 characters from the CSPRNG (randomInt has no modulo bias). */
export function randomBase62(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += BASE62.charAt(randomInt(BASE62.length));
  return text;
}

export const newPaymentId = (): string => `pay_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newMerchantId = (): string => `mer_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newCardToken = (): string => `tok_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newApiKey = (): string => `sk_test_${randomBase62(API_KEY_RANDOM_LENGTH)}`;

export const PAYMENT_ID_PATTERN = /^pay_[A-Za-z0-9]{8,64}$/;
