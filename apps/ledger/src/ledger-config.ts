import { z } from 'zod';
import { env, serviceEnvShape } from '@platform/config';

export const ledgerEnvSchema = z.object({
  ...serviceEnvShape({ port: 3003, database: 'platform_ledger' }),
  /** Bearer token of the read API (operators and auditors). */
  ADMIN_TOKEN: env.secret(),
  /** Payment events of one partition posted together in one transaction (set-based). */
  LEDGER_POSTING_BATCH_MAX: env.integer(500, 1, 5_000),
  /** Minutes between full verifications of the hash chain (ledger_verify_ok); 0 turns them off. */
  LEDGER_VERIFY_INTERVAL_MINUTES: env.integer(60, 0, 10_080),
  /**
   * Control reports from payments are checked against the books this long after they arrived (the
   * movements they name travel payments.events and may still be on their way), every interval.
   */
  LEDGER_CONTROL_GRACE_SECONDS: env.integer(60, 1, 86_400),
  LEDGER_CONTROL_CHECK_INTERVAL_SECONDS: env.integer(15, 1, 3_600),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
