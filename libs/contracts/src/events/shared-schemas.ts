import { z } from 'zod';
import { isKnownCurrency } from '@platform/money';

/** Money travels as a string of integer minor units: JSON numbers lose precision above 2^53. */
export const amountMinorSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,17})$/, 'a non-negative integer in minor units');
export const signedAmountMinorSchema = z
  .string()
  .regex(/^(0|-?[1-9][0-9]{0,17})$/, 'an integer in minor units');
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .refine(isKnownCurrency, 'an ISO 4217 currency code');
export const paymentIdSchema = z.string().regex(/^pay_[A-Za-z0-9]{8,64}$/);
export const merchantIdSchema = z.string().regex(/^mer_[A-Za-z0-9]{8,64}$/);
export const paymentMethodTypeSchema = z.enum(['card']);

export const cardDetailsSchema = z
  .object({
    /** Vault token: the card number itself never leaves the gateway's vault. */
    token: z.string().regex(/^tok_[A-Za-z0-9]{8,64}$/),
    brand: z.enum(['visa', 'mastercard', 'amex', 'unionpay', 'jcb', 'discover', 'unknown']),
    bin: z.string().regex(/^[0-9]{6}$/),
    last4: z.string().regex(/^[0-9]{4}$/),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    fingerprint: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
  })
  .strict();

export const paymentMethodSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('card'), card: cardDetailsSchema }).strict(),
]);

export const customerSchema = z
  .object({
    id: z.string().max(100).optional(),
    email: z.string().max(254).optional(),
    ip: z.string().max(45).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  })
  .strict();

export const metadataSchema = z.record(z.string().max(40), z.string().max(500));
