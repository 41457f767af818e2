import { z } from 'zod';
import { env } from '@platform/config';

/** Payout variables, spread into the payments env schema. */
export const payoutsEnvShape = {
  /** manual: payouts only on request (POST /v1/payouts); daily: also the whole available balance once a day. */
  PAYOUT_SCHEDULE: env.oneOf(['manual', 'daily'], 'manual'),
  /** How often the daily payout job looks for merchants not yet paid out today. */
  PAYOUT_CHECK_INTERVAL_MS: env.integer(600_000, 100, 86_400_000),
  /** The simulated bank rejects a transfer whose amount in minor units ends in these digits; empty: never. */
  SIMULATED_BANK_REJECT_AMOUNT_ENDING: z
    .string()
    .regex(/^[0-9]{0,6}$/)
    .default('13'),
};
