import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';

export const paymentsEnvSchema = z.object({
  ...serviceEnvShape({ port: 3001, database: 'platform_payments' }),
  /** Bearer token of the operator read API (GET /v1/payments/:id). */
  ADMIN_TOKEN: env.secret(),
  /** How long an uncaptured authorization lives before it is voided (expiry job: a later issue). */
  AUTHORIZATION_EXPIRY_HOURS: env.integer(168, 1, 720),
});

export type PaymentsConfig = z.infer<typeof paymentsEnvSchema>;

export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');
