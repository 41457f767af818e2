import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { firstBreachedGuard } from '../domain/balance-guards';
import type { AccountRef } from '../domain/chart-of-accounts';
import { entryHash } from '../domain/entry-hash';
import { assertBalanced, type JournalEntryDraft } from '../domain/journal-entry';
import { LedgerRuleError } from '../domain/ledger-error';
import type { BalanceGuard } from '../domain/posting-rules';
import type { StoredEntry, StoredPosting } from './stored-entry';

export interface AppendedEntry extends StoredEntry {
  /** How many entries the aggregate has, this one included: the aggregate sequence of its event. */
  readonly aggregateEntryCount: number;
}

/** Entries appended by one call (one consumer batch): bounds the statements' array parameters. */
export const APPEND_ENTRIES_MAX = 5_000;

/** An account locked for the caller's transaction, with its balance under that lock. */
export interface LockedAccount {
  readonly id: string;
  readonly balanceMinor: bigint;
}

/** Locked accounts by code. */
export type LockedAccounts = ReadonlyMap<string, LockedAccount>;

/** The balances of locked accounts, by code: what balance guards are checked against. */
export function balancesOf(accounts: LockedAccounts): Map<string, bigint> {
  return new Map([...accounts].map(([code, account]) => [code, account.balanceMinor]));
}

/**
 * The posting path: the only code that writes the journal tables (entries, postings, account
 * balances, the head), always inside the caller's transaction. Reads are JournalQueries'.
 */
@Injectable()
export class JournalWriter {
  /**
   * Appends an entry inside the caller's transaction: locks its accounts, checks its guards under
   * those locks (a refusal leaves only opened, empty accounts), then appends as appendLocked does.
   */
  async append(
    manager: EntityManager,
    draft: JournalEntryDraft,
    sourceEventId: string,
    guards: readonly BalanceGuard[] = [],
  ): Promise<AppendedEntry> {
    assertBalanced(draft.postings);
    const locked = await this.lockAccounts(
      manager,
      draft.postings.map((p) => p.account),
    );
    const breached = firstBreachedGuard([{ postings: draft.postings, guards }], balancesOf(locked));
    if (breached !== null) throw breached.error;
    const [entry] = await this.appendLocked(manager, [{ draft, sourceEventId }], locked);
    if (entry === undefined) throw new Error('appendLocked returned no entry');
    return entry;
  }

  /**
   * Opens the accounts not opened yet, then locks them all in ascending code order (the lock
   * order everywhere: state rows, then accounts by code, then the head). Checks each account is
   * of the type and currency the entries expect.
   */
  async lockAccounts(manager: EntityManager, refs: readonly AccountRef[]): Promise<LockedAccounts> {
    const unique = [...new Map(refs.map((r) => [r.code, r])).values()].sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    );
    const codes = unique.map((r) => r.code);
    // Sent together; the database runs them in order, so the lock sees the accounts just opened.
    const [, rows] = await Promise.all([
      manager.query(
        `INSERT INTO accounts (code, type, currency)
         SELECT code, type, currency FROM unnest($1::text[], $2::text[], $3::text[]) AS a(code, type, currency)
          ORDER BY code
         ON CONFLICT (code) DO NOTHING`,
        [codes, unique.map((r) => r.type), unique.map((r) => r.currency)],
      ),
      manager.query<{ id: string; code: string; type: string; currency: string; balance_minor: string }[]>(
        'SELECT id, code, type, currency, balance_minor FROM accounts WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE',
        [codes],
      ),
    ]);
    const byCode = new Map(rows.map((row) => [row.code, row]));
    const locked = new Map<string, LockedAccount>();
    for (const ref of unique) {
      const row = byCode.get(ref.code);
      if (row === undefined) throw new Error(`account ${ref.code} was not opened`);
      if (row.type !== ref.type || row.currency !== ref.currency) {
        throw new LedgerRuleError(
          `account ${ref.code} is ${row.type} ${row.currency}, the entry expects ${ref.type} ${ref.currency}`,
        );
      }
      locked.set(ref.code, { id: row.id, balanceMinor: BigInt(row.balance_minor) });
    }
    return locked;
  }

  /**
   * Appends entries in the given order inside the caller's transaction, whose accounts it already
   * locked (lockAccounts): chainEntries, then writeEntries.
   */
  async appendLocked(
    manager: EntityManager,
    items: readonly { readonly draft: JournalEntryDraft; readonly sourceEventId: string }[],
    accounts: LockedAccounts,
  ): Promise<AppendedEntry[]> {
    const entries = await this.chainEntries(manager, items);
    await this.writeEntries(manager, entries, accounts);
    return entries;
  }

  /**
   * Takes the ledger head lock, held until commit, which makes sequences gapless and in commit
   * order, and gives each entry, in the given order, its id, sequence and hash linked to the one
   * before. Writes nothing: writeEntries does, in the same transaction.
   */
  async chainEntries(
    manager: EntityManager,
    items: readonly {
      readonly draft: JournalEntryDraft;
      readonly sourceEventId: string;
      /** The entry's id when the caller chose it (to build what it publishes ahead); a new uuid otherwise. */
      readonly id?: string;
    }[],
  ): Promise<AppendedEntry[]> {
    if (items.length === 0) return [];
    if (items.length > APPEND_ENTRIES_MAX) {
      throw new Error(`at most ${APPEND_ENTRIES_MAX} entries are appended at once, got ${items.length}`);
    }
    for (const { draft } of items) assertBalanced(draft.postings);
    const aggregateIds = [...new Set(items.map(({ draft }) => draft.aggregateId))];
    // Sent together; the database counts once it holds the head lock, which every append takes:
    // no entry can slip in between.
    const [[head], counted] = await Promise.all([
      manager.query<{ sequence: string; hash: string }[]>(
        'SELECT sequence, hash FROM ledger_head WHERE id = 1 FOR UPDATE',
      ),
      manager.query<{ aggregate_id: string; entries: number }[]>(
        `SELECT aggregate_id, count(*)::int AS entries FROM journal_entries
          WHERE aggregate_id = ANY($1::text[]) GROUP BY aggregate_id`,
        [aggregateIds],
      ),
    ]);
    if (head === undefined) throw new Error('ledger_head row is missing: the migration did not run');
    const aggregateEntries = new Map(counted.map((row) => [row.aggregate_id, row.entries]));

    let previousHash = head.hash;
    let sequence = BigInt(head.sequence);
    const entries: AppendedEntry[] = [];
    for (const { draft, sourceEventId, id } of items) {
      sequence += 1n;
      const postings: StoredPosting[] = draft.postings.map((p) => ({
        accountCode: p.account.code,
        accountType: p.account.type,
        currency: p.account.currency,
        amountMinor: p.amountMinor,
      }));
      const content = {
        id: id ?? randomUUID(),
        sequence,
        kind: draft.kind,
        sourceEventId,
        merchantId: draft.merchantId,
        paymentId: draft.paymentId,
        aggregateId: draft.aggregateId,
        details: draft.details,
        reversesEntryId: draft.reversesEntryId,
        occurredAt: draft.occurredAt,
        postings,
      };
      const hash = entryHash(previousHash, content);
      const aggregateEntryCount = (aggregateEntries.get(draft.aggregateId) ?? 0) + 1;
      aggregateEntries.set(draft.aggregateId, aggregateEntryCount);
      entries.push({ ...content, previousHash, hash, createdAt: null, aggregateEntryCount });
      previousHash = hash;
    }
    return entries;
  }

  /**
   * Writes chained entries (chainEntries, same transaction) with their postings, moves each
   * account's balance and the head once: a few statements whatever the number of entries.
   */
  async writeEntries(
    manager: EntityManager,
    entries: readonly AppendedEntry[],
    accounts: LockedAccounts,
  ): Promise<void> {
    const last = entries[entries.length - 1];
    if (last === undefined) return;
    await manager.query(
      `INSERT INTO journal_entries
         (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at, previous_hash, hash,
          aggregate_id, details, reverses_entry_id)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[],
         $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::uuid[])`,
      [
        entries.map((e) => e.id),
        entries.map((e) => e.sequence.toString()),
        entries.map((e) => e.sourceEventId),
        entries.map((e) => e.kind),
        entries.map((e) => e.merchantId),
        entries.map((e) => e.paymentId),
        entries.map((e) => e.occurredAt.toISOString()),
        entries.map((e) => e.previousHash),
        entries.map((e) => e.hash),
        entries.map((e) => e.aggregateId),
        entries.map((e) => JSON.stringify(e.details)),
        entries.map((e) => e.reversesEntryId),
      ],
    );
    const lines = entries.flatMap((entry) =>
      entry.postings.map((p, position) => {
        const account = accounts.get(p.accountCode);
        if (account === undefined) throw new Error(`account ${p.accountCode} was not locked`);
        return {
          entryId: entry.id,
          position,
          accountId: account.id,
          currency: p.currency,
          amountMinor: p.amountMinor,
        };
      }),
    );
    await manager.query(
      `INSERT INTO postings (entry_id, position, account_id, currency, amount_minor)
       SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::bigint[], $4::text[], $5::bigint[])`,
      [
        lines.map((l) => l.entryId),
        lines.map((l) => l.position),
        lines.map((l) => l.accountId),
        lines.map((l) => l.currency),
        lines.map((l) => l.amountMinor.toString()),
      ],
    );
    // One update per account: UPDATE ... FROM applies a single delta row to each target row.
    const deltas = new Map<string, { amountMinor: bigint; postings: number }>();
    for (const line of lines) {
      const delta = deltas.get(line.accountId) ?? { amountMinor: 0n, postings: 0 };
      deltas.set(line.accountId, {
        amountMinor: delta.amountMinor + line.amountMinor,
        postings: delta.postings + 1,
      });
    }
    await manager.query(
      `UPDATE accounts SET balance_minor = accounts.balance_minor + delta.amount_minor,
              version = accounts.version + delta.postings
         FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS delta(account_id, amount_minor, postings)
        WHERE accounts.id = delta.account_id`,
      [
        [...deltas.keys()],
        [...deltas.values()].map((d) => d.amountMinor.toString()),
        [...deltas.values()].map((d) => d.postings),
      ],
    );
    await manager.query('UPDATE ledger_head SET sequence = $1, hash = $2 WHERE id = 1', [
      last.sequence.toString(),
      last.hash,
    ]);
  }
}
