import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  customerSchema,
  merchantIdSchema,
  metadataSchema,
  paymentIdSchema,
  paymentMethodSchema,
} from './shared-schemas';

export const createPaymentCommandSchema = z
  .object({
    paymentId: paymentIdSchema,
    merchantId: merchantIdSchema,
    amountMinor: amountMinorSchema,
    currency: currencySchema,
    captureMethod: z.enum(['automatic', 'manual']),
    paymentMethod: paymentMethodSchema,
    customer: customerSchema.optional(),
    description: z.string().max(1000).optional(),
    metadata: metadataSchema,
  })
  .strict();
