import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';

export const reportingEnvSchema = z.object({
  ...serviceEnvShape({ port: 3004, database: 'platform_reporting' }),
  /** Bearer token of the read-only query API. */
  ANALYST_TOKEN: env.secret(),
  /** Bearer token of the operator endpoints (projection rebuild and status, to come). */
  ADMIN_TOKEN: env.secret(),
});

export type ReportingConfig = z.infer<typeof reportingEnvSchema>;

export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');
