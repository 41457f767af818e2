import { AccountEntity } from './account.entity';
import { JournalEntryEntity } from './journal-entry.entity';
import { LedgerHeadEntity } from './ledger-head.entity';
import { PostingEntity } from './posting.entity';

export const LEDGER_ENTITIES = [AccountEntity, JournalEntryEntity, PostingEntity, LedgerHeadEntity];
