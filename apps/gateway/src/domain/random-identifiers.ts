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

export const newRefundId = (): string => `re_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newMerchantEventId = (): string => `evt_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newWebhookEndpointId = (): string => `we_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newWebhookDeliveryId = (): string => `whd_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newWebhookSecret = (): string => `whsec_${randomBase62(API_KEY_RANDOM_LENGTH)}`;
export const newPayoutId = (): string => `po_${randomBase62(ID_RANDOM_LENGTH)}`;
export const newApiKeyId = (): string => `key_${randomBase62(ID_RANDOM_LENGTH)}`;

export const PAYMENT_ID_PATTERN = /^pay_[A-Za-z0-9]{8,64}$/;
export const REFUND_ID_PATTERN = /^re_[A-Za-z0-9]{8,64}$/;
export const WEBHOOK_ENDPOINT_ID_PATTERN = /^we_[A-Za-z0-9]{8,64}$/;
export const PAYOUT_ID_PATTERN = /^po_[A-Za-z0-9]{8,64}$/;
export const DISPUTE_ID_PATTERN = /^dp_[A-Za-z0-9]{8,64}$/;
export const API_KEY_ID_PATTERN = /^key_[A-Za-z0-9]{8,64}$/;
export const newBalanceTransactionId = (): string => `txn_${randomBase62(ID_RANDOM_LENGTH)}`;
export const BALANCE_TRANSACTION_ID_PATTERN = /^txn_[A-Za-z0-9]{8,64}$/;
