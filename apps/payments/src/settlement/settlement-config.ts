import { z } from 'zod';
import { env } from '@platform/config';
import { NO_FEE, type ProcessorFee } from '../domain/settlement-plan';

const processorFeeSchema = z
  .object({
    basisPoints: z.number().int().min(0).max(10_000),
    fixedHundredths: z.number().int().min(0).max(1_000_000),
  })
  .strict();

/** What the simulated processors charge unless SETTLEMENT_FEES says otherwise. */
export const DEFAULT_SETTLEMENT_FEES = JSON.stringify({
  'simulated-a': { basisPoints: 180, fixedHundredths: 20 },
  'simulated-b': { basisPoints: 150, fixedHundredths: 25 },
});

const settlementFees = env.json(
  z.record(z.string().regex(/^[a-z0-9-]{1,50}$/), processorFeeSchema),
  DEFAULT_SETTLEMENT_FEES,
);

/** Settlement variables, spread into the payments env schema. */
export const settlementEnvShape = {
  /** daily: a job settles every day before today (UTC); off: only POST /v1/settlements/run does. */
  SETTLEMENT_SCHEDULE: env.oneOf(['daily', 'off'], 'daily'),
  /** How often the daily job looks for captures of earlier days to settle. */
  SETTLEMENT_CHECK_INTERVAL_MS: env.integer(600_000, 100, 86_400_000),
  /** JSON {processor: {basisPoints, fixedHundredths}}; a processor not listed charges nothing. */
  SETTLEMENT_FEES: settlementFees,
};

export interface SettlementConfig {
  readonly SETTLEMENT_SCHEDULE: 'daily' | 'off';
  readonly SETTLEMENT_CHECK_INTERVAL_MS: number;
  readonly SETTLEMENT_FEES: Record<string, { basisPoints: number; fixedHundredths: number }>;
}

export function processorFees(config: SettlementConfig): (processor: string) => ProcessorFee {
  return (processor) => {
    const fee = config.SETTLEMENT_FEES[processor];
    if (fee === undefined) return NO_FEE;
    return { basisPoints: BigInt(fee.basisPoints), fixedHundredths: BigInt(fee.fixedHundredths) };
  };
}
