import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';

export const ledgerEnvSchema = z.object({
  ...serviceEnvShape({ port: 3003, database: 'platform_ledger' }),
  /** Bearer token of the read API (operators and auditors). */
  ADMIN_TOKEN: env.secret(),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
