import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  customerSchema,
  merchantIdSchema,
  paymentIdSchema,
  paymentMethodSchema,
  paymentMethodTypeSchema,
} from './shared-schemas';

export const paymentCreatedSchema = z
  .object({
    paymentId: paymentIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    captureMethod: z.enum(['automatic', 'manual']),
    paymentMethod: paymentMethodSchema,
    customer: customerSchema.optional(),
  })
  .strict();

const processorOutcomeSchema = z
  .object({
    paymentId: paymentIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    paymentMethodType: paymentMethodTypeSchema,
    processor: z.string().min(1).max(50),
    processorReference: z.string().min(1).max(100),
  })
  .strict();

export const paymentAuthorizedSchema = processorOutcomeSchema;
export const paymentCapturedSchema = processorOutcomeSchema;

export const paymentFailureCodeSchema = z.enum([
  'card_declined',
  'insufficient_funds',
  'processor_error',
  'risk_declined',
]);

export const paymentFailedSchema = z
  .object({
    paymentId: paymentIdSchema,
    failureCode: paymentFailureCodeSchema,
    failureMessage: z.string().max(500),
  })
  .strict();
