import { LedgerJournal1764100000000 } from './1764100000000-ledger-journal';

export const LEDGER_MIGRATIONS = [LedgerJournal1764100000000];
