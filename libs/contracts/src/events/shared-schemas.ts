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
export const refundIdSchema = z.string().regex(/^re_[A-Za-z0-9]{8,64}$/);
export const payoutIdSchema = z.string().regex(/^po_[A-Za-z0-9]{8,64}$/);
export const disputeIdSchema = z.string().regex(/^dp_[A-Za-z0-9]{8,64}$/);
export const reviewIdSchema = z.string().regex(/^rev_[A-Za-z0-9]{8,64}$/);
export const captureIdSchema = z.string().regex(/^cap_[A-Za-z0-9]{8,64}$/);
export const settlementIdSchema = z.string().regex(/^stl_[A-Za-z0-9_-]{8,100}$/);
export const processorNameSchema = z.string().regex(/^[a-z0-9-]{1,50}$/);
export const countrySchema = z.string().regex(/^[A-Z]{2}$/);
/** A positive decimal written as a string (an FX rate such as "0.9213"), never a float. */
export const decimalStringSchema = z.string().regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/);
export const paymentMethodTypeSchema = z.enum(['card', 'bank_transfer', 'wallet']);

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
    /** Issuing country, from the BIN when known. */
    country: countrySchema.optional(),
  })
  .strict();

export const paymentMethodSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('card'), card: cardDetailsSchema }).strict(),
  /** Paid by the customer's bank to a virtual account; settles asynchronously. */
  z
    .object({ type: z.literal('bank_transfer'), bankTransfer: z.object({ country: countrySchema }).strict() })
    .strict(),
  /** Wallets and QR payments: the customer approves in an app after scanning a code. */
  z
    .object({
      type: z.literal('wallet'),
      wallet: z.object({ provider: z.enum(['alipay', 'wechat_pay']) }).strict(),
    })
    .strict(),
]);

/** A cross-currency conversion, recorded with the rate and the version of the rate table used. */
export const fxConversionSchema = z
  .object({
    settlementCurrency: currencySchema,
    settlementAmountMinor: amountMinorSchema,
    rate: decimalStringSchema,
    rateVersion: z.string().min(1).max(50),
  })
  .strict();

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
