import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AccountType } from '../domain/chart-of-accounts';
import { GENESIS_HASH, entryHash } from '../domain/entry-hash';
import type { StoredEntry, StoredPosting } from './stored-entry';

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

export type BalanceAsOf =
  | { readonly kind: 'now' }
  | { readonly kind: 'sequence'; readonly sequence: bigint }
  | { readonly kind: 'time'; readonly at: Date };

export interface AccountBalanceAt extends AccountBalance {
  readonly asOfSequence: bigint;
}

export interface StatementLine {
  readonly entryId: string;
  readonly sequence: bigint;
  readonly kind: string;
  readonly paymentId: string | null;
  readonly occurredAt: Date;
  readonly amountMinor: bigint;
  readonly balanceAfterMinor: bigint;
}

export interface AccountStatement {
  readonly code: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly lines: readonly StatementLine[];
  readonly hasMore: boolean;
}

export interface BrokenLink {
  readonly sequence: bigint;
  readonly entryId: string | null;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly head: LedgerDigest;
  readonly checkedThrough: bigint;
  readonly firstBroken: BrokenLink | null;
  readonly balanceMismatches: readonly string[];
}

const VERIFY_BATCH_SIZE = 1_000;

/** Accounts listed by one trial balance; the per-currency totals always cover every account. */
export const TRIAL_BALANCE_ACCOUNTS_MAX = 10_000;

interface EntryRow {
  id: string;
  sequence: string;
  source_event_id: string;
  kind: string;
  merchant_id: string | null;
  payment_id: string | null;
  aggregate_id: string | null;
  details: Record<string, string>;
  reverses_entry_id: string | null;
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

/**
 * Reads of the journal tables: entries by id or source event, the head, trial balance, balances
 * and statements, and the audit that recomputes the chain (verify). Writes are JournalWriter's.
 */
@Injectable()
export class JournalQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findBySourceEvent(manager: EntityManager, sourceEventId: string): Promise<StoredEntry | null> {
    return (await this.findBySourceEvents(manager, [sourceEventId])).get(sourceEventId) ?? null;
  }

  /** The entries already posted for any of these source events, by source event id. */
  async findBySourceEvents(
    manager: EntityManager,
    sourceEventIds: readonly string[],
  ): Promise<Map<string, StoredEntry>> {
    const found = new Map<string, StoredEntry>();
    if (sourceEventIds.length === 0) return found;
    const rows = await manager.query<EntryRow[]>(
      'SELECT * FROM journal_entries WHERE source_event_id = ANY($1::uuid[])',
      [sourceEventIds],
    );
    if (rows.length === 0) return found;
    const postings = await this.postingsOf(
      manager,
      rows.map((r) => r.id),
    );
    for (const row of rows) found.set(row.source_event_id, this.toStored(row, postings.get(row.id) ?? []));
    return found;
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

  /**
   * An account's balance: now (the cached, row-locked balance) or as of a sequence or a time
   * (the fold of its postings up to it; a time means entries written at or before it).
   */
  async balance(code: string, asOf: BalanceAsOf): Promise<AccountBalanceAt | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [account] = await manager.query<
        { id: string; code: string; type: AccountType; currency: string; balance_minor: string }[]
      >('SELECT id, code, type, currency, balance_minor FROM accounts WHERE code = $1', [code]);
      if (account === undefined) return null;
      const head = await this.readHead(manager);
      const base = { code: account.code, type: account.type, currency: account.currency };
      if (asOf.kind === 'now')
        return { ...base, balanceMinor: BigInt(account.balance_minor), asOfSequence: head.sequence };
      const limit =
        asOf.kind === 'sequence'
          ? asOf.sequence
          : BigInt(
              (
                await manager.query<{ sequence: string }[]>(
                  'SELECT coalesce(max(sequence), 0)::text AS sequence FROM journal_entries WHERE created_at <= $1',
                  [asOf.at],
                )
              )[0]?.sequence ?? '0',
            );
      const bounded = limit > head.sequence ? head.sequence : limit;
      const [sum] = await manager.query<{ total: string }[]>(
        `SELECT coalesce(sum(p.amount_minor), 0)::text AS total
           FROM postings p JOIN journal_entries e ON e.id = p.entry_id
          WHERE p.account_id = $1 AND e.sequence <= $2`,
        [account.id, bounded.toString()],
      );
      return { ...base, balanceMinor: BigInt(sum?.total ?? '0'), asOfSequence: bounded };
    });
  }

  /** An account's postings in sequence order after a sequence, each with the balance after it. */
  async statement(code: string, startingAfter: bigint, limit: number): Promise<AccountStatement | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [account] = await manager.query<{ id: string; type: AccountType; currency: string }[]>(
        'SELECT id, type, currency FROM accounts WHERE code = $1',
        [code],
      );
      if (account === undefined) return null;
      const [opening] = await manager.query<{ total: string }[]>(
        `SELECT coalesce(sum(p.amount_minor), 0)::text AS total
           FROM postings p JOIN journal_entries e ON e.id = p.entry_id
          WHERE p.account_id = $1 AND e.sequence <= $2`,
        [account.id, startingAfter.toString()],
      );
      const rows = await manager.query<
        {
          entry_id: string;
          sequence: string;
          kind: string;
          payment_id: string | null;
          occurred_at: Date;
          amount_minor: string;
        }[]
      >(
        `SELECT e.id AS entry_id, e.sequence, e.kind, e.payment_id, e.occurred_at, p.amount_minor
           FROM postings p JOIN journal_entries e ON e.id = p.entry_id
          WHERE p.account_id = $1 AND e.sequence > $2
          ORDER BY e.sequence LIMIT $3`,
        [account.id, startingAfter.toString(), limit + 1],
      );
      let running = BigInt(opening?.total ?? '0');
      const lines = rows.slice(0, limit).map((row) => {
        running += BigInt(row.amount_minor);
        return {
          entryId: row.entry_id,
          sequence: BigInt(row.sequence),
          kind: row.kind,
          paymentId: row.payment_id,
          occurredAt: row.occurred_at,
          amountMinor: BigInt(row.amount_minor),
          balanceAfterMinor: running,
        };
      });
      return { code, type: account.type, currency: account.currency, lines, hasMore: rows.length > limit };
    });
  }

  /**
   * Recomputes the chain from the stored rows, in batches, and names the first broken link: a gap
   * in the sequence, a previous hash that is not the one before, or a hash that is not the
   * content's. Also lists accounts whose cached balance is not the fold of their postings.
   */
  async verify(): Promise<VerifyReport> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const head = await this.readHead(manager);
      let previousHash = GENESIS_HASH;
      let expected = 1n;
      let firstBroken: BrokenLink | null = null;
      while (firstBroken === null && expected <= head.sequence) {
        const rows = await manager.query<EntryRow[]>(
          'SELECT * FROM journal_entries WHERE sequence >= $1 ORDER BY sequence LIMIT $2',
          [expected.toString(), VERIFY_BATCH_SIZE],
        );
        if (rows.length === 0) break;
        const postings = await this.postingsOf(
          manager,
          rows.map((r) => r.id),
        );
        for (const row of rows) {
          const entry = this.toStored(row, postings.get(row.id) ?? []);
          const broken = (reason: string): BrokenLink => ({ sequence: expected, entryId: entry.id, reason });
          if (entry.sequence !== expected) {
            firstBroken = broken(`sequence ${expected} is missing (next stored is ${entry.sequence})`);
          } else if (entry.previousHash !== previousHash) {
            firstBroken = broken('previous_hash is not the hash of the entry before');
          } else if (entryHash(previousHash, entry) !== entry.hash) {
            firstBroken = broken('hash does not match the entry content');
          }
          if (firstBroken !== null) break;
          previousHash = entry.hash;
          expected += 1n;
        }
      }
      if (firstBroken === null && expected <= head.sequence) {
        firstBroken = { sequence: expected, entryId: null, reason: `sequence ${expected} is missing` };
      }
      if (firstBroken === null && previousHash !== head.hash) {
        firstBroken = {
          sequence: head.sequence,
          entryId: null,
          reason: 'the head hash is not the last entry hash',
        };
      }
      const mismatched = await manager.query<{ code: string }[]>(
        `SELECT a.code FROM accounts a
           LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM postings GROUP BY account_id) p
             ON p.account_id = a.id
          WHERE a.balance_minor <> coalesce(p.total, 0) ORDER BY a.code LIMIT 100`,
      );
      return {
        ok: firstBroken === null && mismatched.length === 0,
        head,
        checkedThrough: expected - 1n,
        firstBroken,
        balanceMismatches: mismatched.map((m) => m.code),
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

  private async withPostings(manager: EntityManager, row: EntryRow): Promise<StoredEntry> {
    const postings = await this.postingsOf(manager, [row.id]);
    return this.toStored(row, postings.get(row.id) ?? []);
  }

  private async postingsOf(
    manager: EntityManager,
    entryIds: readonly string[],
  ): Promise<Map<string, StoredPosting[]>> {
    const rows = await manager.query<(PostingRow & { entry_id: string })[]>(
      `SELECT p.entry_id, a.code, a.type, p.currency, p.amount_minor
         FROM postings p JOIN accounts a ON a.id = p.account_id
        WHERE p.entry_id = ANY($1::uuid[]) ORDER BY p.entry_id, p.position`,
      [entryIds],
    );
    const byEntry = new Map<string, StoredPosting[]>();
    for (const p of rows) {
      const list = byEntry.get(p.entry_id) ?? [];
      list.push({
        accountCode: p.code,
        accountType: p.type,
        currency: p.currency,
        amountMinor: BigInt(p.amount_minor),
      });
      byEntry.set(p.entry_id, list);
    }
    return byEntry;
  }

  private toStored(row: EntryRow, postings: readonly StoredPosting[]): StoredEntry {
    return {
      id: row.id,
      sequence: BigInt(row.sequence),
      sourceEventId: row.source_event_id,
      kind: row.kind,
      merchantId: row.merchant_id,
      paymentId: row.payment_id,
      aggregateId: row.aggregate_id ?? row.payment_id ?? '',
      details: row.details,
      reversesEntryId: row.reverses_entry_id,
      occurredAt: row.occurred_at,
      previousHash: row.previous_hash,
      hash: row.hash,
      createdAt: row.created_at,
      postings,
    };
  }
}
