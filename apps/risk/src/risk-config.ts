import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';

export const riskEnvSchema = z.object({
  ...serviceEnvShape({ port: 3002, database: 'platform_risk' }),
  /** Bearer token of the admin API (review queue). */
  ADMIN_TOKEN: env.secret(),
});

export type RiskConfig = z.infer<typeof riskEnvSchema>;

export const RISK_CONFIG = Symbol('RISK_CONFIG');
