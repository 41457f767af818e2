import { z } from 'zod';

/** The metadata every event and command carries; `data` is checked per type by the catalogue. */
export const envelopeSchema = z
  .object({
    id: z.string().uuid(),
    type: z.string().min(1).max(100),
    schemaVersion: z.number().int().min(1),
    occurredAt: z.string().datetime({ offset: true }),
    aggregateId: z.string().min(1).max(100),
    aggregateSequence: z.number().int().min(1),
    correlationId: z.string().min(1).max(100),
    causationId: z.string().min(1).max(100).nullable(),
    merchantId: z.string().min(1).max(100),
    data: z.unknown(),
  })
  .strict();

export type EnvelopeMetadata = Omit<z.infer<typeof envelopeSchema>, 'data' | 'type' | 'schemaVersion'>;
