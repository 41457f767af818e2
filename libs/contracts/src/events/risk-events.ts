import { z } from 'zod';
import { paymentIdSchema } from './shared-schemas';

export const riskAssessedSchema = z
  .object({
    paymentId: paymentIdSchema,
    decision: z.enum(['approve', 'review', 'decline']),
    score: z.number().int().min(0).max(100),
    reasons: z.array(z.string().min(1).max(100)).max(50),
  })
  .strict();
