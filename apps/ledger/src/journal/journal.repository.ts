import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AccountRef, AccountType } from '../domain/chart-of-accounts';
import { entryHash } from '../domain/entry-hash';
import { assertBalanced, type JournalEntryDraft } from '../domain/journal-entry';
import { LedgerRuleError } from '../domain/ledger-error';

export interface StoredPosting {
  readonly accountCode: string;
  readonly accountType: AccountType;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export interface StoredEntry {
  readonly id: string;
  readonly sequence: bigint;
  readonly sourceEventId: string;
  readonly kind: string;
  readonly merchantId: string;
  readonly paymentId: string;
  readonly occurredAt: Date;
  readonly previousHash: string;
  readonly hash: string;
  readonly createdAt: Date | null;
  /** In stored order (position). */
  readonly postings: readonly StoredPosting[];
}

export interface AppendedEntry extends StoredEntry {
  /** How many entries the payment has, this one included: the aggregate sequence of its event. */
  readonly paymentEntryCount: number;
}

export interface LedgerDigest {
  readonly sequence: bigint;
  readonly hash: string;
}

export interface CurrencyTotals {
  readonly currency: string;
  readonly debitsMinor: bigint;
  readonly creditsMinor: bigint;
}

export interface AccountBalance {
  readonly code: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly balanceMinor: bigint;
}

export interface TrialBalanceSnapshot {
  readonly asOf: LedgerDigest;
  readonly currencies: readonly CurrencyTotals[];
  readonly accounts: readonly AccountBalance[];
  readonly accountsTruncated: boolean;
}

/** Accounts listed by one trial balance; the per-currency totals always cover every account. */
export const TRIAL_BALANCE_ACCOUNTS_MAX = 10_000;

interface EntryRow {
  id: string;
  sequence: string;
  source_event_id: string;
  kind: string;
  merchant_id: string;
  payment_id: string;
  occurred_at: Date;
  previous_hash: string;
  hash: string;
  created_at: Date;
}

interface PostingRow {
  code: string;
  type: AccountType;
  currency: string;
  amount_minor: string;
}

/** The only code that reads or writes the journal tables. */
@Injectable()
export class JournalRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends an entry inside the caller's transaction. Locks, always in this order: the entry's
   * accounts by ascending code (opened on first use), then the ledger head. Holding the head until
   * commit makes sequences gapless and in commit order; the hash links to the previous head.
   */
  async append(
    manager: EntityManager,
    draft: JournalEntryDraft,
    sourceEventId: string,
  ): Promise<AppendedEntry> {
    assertBalanced(draft.postings);
    const refs = [...new Map(draft.postings.map((p) => [p.account.code, p.account])).values()].sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    );
    const accountIds = await this.openAndLockAccounts(manager, refs);

    const [head] = await manager.query<
      {
        sequence: string;
        hash: string;
      }[]
    >('SELECT sequence, hash FROM ledger_head WHERE id = 1 FOR UPDATE');
    if (head === undefined) throw new Error('ledger_head row is missing: the migration did not run');
    const id = randomUUID();
    const sequence = BigInt(head.sequence) + 1n;
    const postings: StoredPosting[] = draft.postings.map((p) => ({
      accountCode: p.account.code,
      accountType: p.account.type,
      currency: p.account.currency,
      amountMinor: p.amountMinor,
    }));
    const content = {
      id,
      sequence,
      kind: draft.kind,
      sourceEventId,
      merchantId: draft.merchantId,
      paymentId: draft.paymentId,
      occurredAt: draft.occurredAt,
      postings,
    };
    const hash = entryHash(head.hash, content);

    await manager.query(
      `INSERT INTO journal_entries
         (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at, previous_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        sequence.toString(),
        sourceEventId,
        draft.kind,
        draft.merchantId,
        draft.paymentId,
        draft.occurredAt,
        head.hash,
        hash,
      ],
    );
    const accountIdsInOrder = postings.map((p) => accountIds.get(p.accountCode));
    await manager.query(
      `INSERT INTO postings (entry_id, position, account_id, currency, amount_minor)
       SELECT $1, ordinality - 1, account_id, currency, amount_minor
         FROM unnest($2::bigint[], $3::text[], $4::bigint[]) WITH ORDINALITY AS p(account_id, currency, amount_minor)`,
      [id, accountIdsInOrder, postings.map((p) => p.currency), postings.map((p) => p.amountMinor.toString())],
    );
    await manager.query(
      `UPDATE accounts SET balance_minor = accounts.balance_minor + delta.amount_minor, version = accounts.version + 1
         FROM unnest($1::bigint[], $2::bigint[]) AS delta(account_id, amount_minor)
        WHERE accounts.id = delta.account_id`,
      [accountIdsInOrder, postings.map((p) => p.amountMinor.toString())],
    );
    await manager.query('UPDATE ledger_head SET sequence = $1, hash = $2 WHERE id = 1', [
      sequence.toString(),
      hash,
    ]);
    const [count] = await manager.query<{ entries: string }[]>(
      'SELECT count(*) AS entries FROM journal_entries WHERE payment_id = $1',
      [draft.paymentId],
    );

    return {
      ...content,
      previousHash: head.hash,
      hash,
      createdAt: null,
      paymentEntryCount: Number(count?.entries ?? 0),
    };
  }

  async findBySourceEvent(manager: EntityManager, sourceEventId: string): Promise<StoredEntry | null> {
    const [row] = await manager.query<EntryRow[]>(
      'SELECT * FROM journal_entries WHERE source_event_id = $1',
      [sourceEventId],
    );
    return row === undefined ? null : this.withPostings(manager, row);
  }

  async findById(id: string): Promise<StoredEntry | null> {
    const manager = this.dataSource.manager;
    const [row] = await manager.query<EntryRow[]>('SELECT * FROM journal_entries WHERE id = $1', [id]);
    return row === undefined ? null : this.withPostings(manager, row);
  }

  async digest(): Promise<LedgerDigest> {
    return this.readHead(this.dataSource.manager);
  }

  /** Totals and balances read in one snapshot, with the head they correspond to. */
  async trialBalance(): Promise<TrialBalanceSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const asOf = await this.readHead(manager);
      const totals = await manager.query<{ currency: string; debits: string; credits: string }[]>(
        `SELECT currency,
                coalesce(sum(balance_minor) FILTER (WHERE balance_minor > 0), 0)::text AS debits,
                coalesce(-sum(balance_minor) FILTER (WHERE balance_minor < 0), 0)::text AS credits
           FROM accounts GROUP BY currency ORDER BY currency`,
      );
      const rows = await manager.query<
        { code: string; type: AccountType; currency: string; balance_minor: string }[]
      >('SELECT code, type, currency, balance_minor FROM accounts ORDER BY currency, code LIMIT $1', [
        TRIAL_BALANCE_ACCOUNTS_MAX + 1,
      ]);
      return {
        asOf,
        currencies: totals.map((t) => ({
          currency: t.currency,
          debitsMinor: BigInt(t.debits),
          creditsMinor: BigInt(t.credits),
        })),
        accounts: rows.slice(0, TRIAL_BALANCE_ACCOUNTS_MAX).map((r) => ({
          code: r.code,
          type: r.type,
          currency: r.currency,
          balanceMinor: BigInt(r.balance_minor),
        })),
        accountsTruncated: rows.length > TRIAL_BALANCE_ACCOUNTS_MAX,
      };
    });
  }

  private async readHead(manager: EntityManager): Promise<LedgerDigest> {
    const [head] = await manager.query<
      {
        sequence: string;
        hash: string;
      }[]
    >('SELECT sequence, hash FROM ledger_head WHERE id = 1');
    if (head === undefined) throw new Error('ledger_head row is missing: the migration did not run');
    return { sequence: BigInt(head.sequence), hash: head.hash };
  }

  /** Opens missing accounts, then locks all of them in ascending code order; returns id by code. */
  private async openAndLockAccounts(
    manager: EntityManager,
    refs: readonly AccountRef[],
  ): Promise<Map<string, string>> {
    const codes = refs.map((r) => r.code);
    await manager.query(
      `INSERT INTO accounts (code, type, currency)
       SELECT code, type, currency FROM unnest($1::text[], $2::text[], $3::text[]) AS a(code, type, currency)
        ORDER BY code
       ON CONFLICT (code) DO NOTHING`,
      [codes, refs.map((r) => r.type), refs.map((r) => r.currency)],
    );
    const rows = await manager.query<{ id: string; code: string; type: string; currency: string }[]>(
      'SELECT id, code, type, currency FROM accounts WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE',
      [codes],
    );
    const ids = new Map<string, string>();
    for (const row of rows) ids.set(row.code, row.id);
    for (const ref of refs) {
      const row = rows.find((r) => r.code === ref.code);
      if (row === undefined) throw new Error(`account ${ref.code} was not opened`);
      if (row.type !== ref.type || row.currency !== ref.currency) {
        throw new LedgerRuleError(
          `account ${ref.code} is ${row.type} ${row.currency}, the entry expects ${ref.type} ${ref.currency}`,
        );
      }
    }
    return ids;
  }

  private async withPostings(manager: EntityManager, row: EntryRow): Promise<StoredEntry> {
    const postings = await manager.query<PostingRow[]>(
      `SELECT a.code, a.type, p.currency, p.amount_minor
         FROM postings p JOIN accounts a ON a.id = p.account_id
        WHERE p.entry_id = $1 ORDER BY p.position`,
      [row.id],
    );
    return {
      id: row.id,
      sequence: BigInt(row.sequence),
      sourceEventId: row.source_event_id,
      kind: row.kind,
      merchantId: row.merchant_id,
      paymentId: row.payment_id,
      occurredAt: row.occurred_at,
      previousHash: row.previous_hash,
      hash: row.hash,
      createdAt: row.created_at,
      postings: postings.map((p) => ({
        accountCode: p.code,
        accountType: p.type,
        currency: p.currency,
        amountMinor: BigInt(p.amount_minor),
      })),
    };
  }
}
