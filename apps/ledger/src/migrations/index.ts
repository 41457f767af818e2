import { LedgerJournal1764100000000 } from './1764100000000-ledger-journal';
import { LedgerLifecycle1764200000000 } from './1764200000000-ledger-lifecycle';
import { LedgerHeadBatchAdvance1764300000000 } from './1764300000000-ledger-head-batch-advance';
import { LedgerSettlementNetting1764800000000 } from './1764800000000-ledger-settlement-netting';
import { LedgerControlTotals1765200000000 } from './1765200000000-ledger-control-totals';
import { LedgerSetBasedBalanceCheck1765600000000 } from './1765600000000-ledger-set-based-balance-check';

export const LEDGER_MIGRATIONS = [
  LedgerJournal1764100000000,
  LedgerLifecycle1764200000000,
  LedgerHeadBatchAdvance1764300000000,
  LedgerSettlementNetting1764800000000,
  LedgerControlTotals1765200000000,
  LedgerSetBasedBalanceCheck1765600000000,
];
