import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { GENESIS_HASH, entryHash } from '../domain/entry-hash';
import type { JournalEntryDraft } from '../domain/journal-entry';
import { postCapture } from '../domain/posting-rules';
import { defaultPricing } from '../domain/pricing';
import { LEDGER_MIGRATIONS } from '../migrations';
import { JournalQueries } from './journal-queries.repository';
import { JournalWriter } from './journal-writer.repository';

const CONCURRENT_CAPTURES = 60;
/** Enough connections for every concurrent capture's transaction to run at once. */
const POOL_SIZE = 20;

describe('the journal (JournalWriter, JournalQueries) against Postgres', () => {
  let migrated: MigratedDatabase;
  let dataSource: DataSource;
  let journalWriter: JournalWriter;
  let journalQueries: JournalQueries;

  beforeAll(async () => {
    migrated = await createMigratedDatabase(
      'ledger_journal',
      { entities: [], migrations: LEDGER_MIGRATIONS },
      POOL_SIZE,
    );
    dataSource = migrated.dataSource;
    journalWriter = new JournalWriter();
    journalQueries = new JournalQueries(dataSource);
  });

  afterAll(async () => {
    await migrated?.close();
  });

  function capture(i: number): { entry: JournalEntryDraft } {
    const currency = i % 3 === 0 ? 'JPY' : 'USD';
    const decision = postCapture(null, null, {
      merchantId: `mer_merchant${i % 4}`,
      paymentId: `pay_${String(i).padStart(24, '0')}`,
      captureId: `cap_${String(i).padStart(12, '0')}`,
      final: true,
      processor: i % 2 === 0 ? 'simulated-a' : 'simulated-b',
      paymentMethodType: 'card',
      currency,
      grossAmountMinor: BigInt(1_000 + i * 37),
      fx: null,
      pricing: defaultPricing(currency),
      occurredAt: new Date(Date.UTC(2025, 10, 20, 10, 0, 0, i)),
    });
    if (decision.outcome !== 'post') throw new Error(decision.message);
    return decision;
  }

  it('posts concurrent captures with a gapless sequence, an intact chain and balances equal to the postings', async () => {
    const posted = await Promise.all(
      Array.from({ length: CONCURRENT_CAPTURES }, (_, i) =>
        dataSource.transaction((manager) => journalWriter.append(manager, capture(i).entry, randomUUID())),
      ),
    );
    expect(posted.map((e) => e.sequence).sort((a, b) => (a < b ? -1 : 1))).toEqual(
      Array.from({ length: CONCURRENT_CAPTURES }, (_, i) => BigInt(i + 1)),
    );
    for (const entry of posted) expect(entry.aggregateEntryCount).toBe(1);

    // The chain, recomputed from what is stored.
    const ids = await dataSource.query<{ id: string }[]>('SELECT id FROM journal_entries ORDER BY sequence');
    let previous = GENESIS_HASH;
    for (const { id } of ids) {
      const stored = await journalQueries.findById(id);
      if (stored === null) throw new Error(`entry ${id} vanished`);
      expect(stored.previousHash).toBe(previous);
      expect(entryHash(previous, stored)).toBe(stored.hash);
      previous = stored.hash;
    }
    expect(await journalQueries.digest()).toEqual({ sequence: BigInt(CONCURRENT_CAPTURES), hash: previous });

    // Cached balances equal the fold of the postings; each currency sums to zero.
    const mismatches = await dataSource.query<unknown[]>(
      `SELECT a.code FROM accounts a LEFT JOIN postings p ON p.account_id = a.id
        GROUP BY a.id HAVING a.balance_minor <> coalesce(sum(p.amount_minor), 0)`,
    );
    expect(mismatches).toEqual([]);
    expect(await journalQueries.verify()).toMatchObject({
      ok: true,
      firstBroken: null,
      balanceMismatches: [],
    });
    const trial = await journalQueries.trialBalance();
    expect(trial.currencies.map((c) => c.currency)).toEqual(['JPY', 'USD']);
    for (const c of trial.currencies) expect(c.debitsMinor).toBe(c.creditsMinor);
    expect(trial.asOf.sequence).toBe(BigInt(CONCURRENT_CAPTURES));
  });

  it('refuses a second entry for the same source event', async () => {
    const sourceEventId = randomUUID();
    await dataSource.transaction((manager) => journalWriter.append(manager, capture(1).entry, sourceEventId));
    await expect(
      dataSource.transaction((manager) => journalWriter.append(manager, capture(2).entry, sourceEventId)),
    ).rejects.toThrow(/journal_entries_source_event_id_key|duplicate key/);
  });

  it('counts the entries of a payment for the event aggregate sequence', async () => {
    const entry = capture(1_000).entry;
    const first = await dataSource.transaction((manager) =>
      journalWriter.append(manager, entry, randomUUID()),
    );
    const second = await dataSource.transaction((manager) =>
      journalWriter.append(manager, entry, randomUUID()),
    );
    expect([first.aggregateEntryCount, second.aggregateEntryCount]).toEqual([1, 2]);
  });

  it('refuses a guarded entry that would take an account below zero, writing nothing', async () => {
    const before = await journalQueries.digest();
    const draft = capture(7).entry;
    const merchantLine = draft.postings.find((p) => p.account.code.startsWith('merchant_pending:'));
    if (merchantLine === undefined) throw new Error('no merchant line');
    // The merchant line is a credit; reversing the entry debits it beyond what it holds.
    const reversed = {
      ...draft,
      postings: draft.postings.map((p) => ({ ...p, amountMinor: -p.amountMinor * 1_000n })),
    };
    await expect(
      dataSource.transaction((manager) =>
        journalWriter.append(manager, reversed, randomUUID(), [{ accountCode: merchantLine.account.code }]),
      ),
    ).rejects.toThrow(/requested/);
    expect(await journalQueries.digest()).toEqual(before);
  });

  it('appends several entries at once: consecutive sequences, one linked chain, balances summed per account', async () => {
    const before = await journalQueries.digest();
    const drafts = [2_001, 2_002, 2_001, 2_003].map((i) => capture(i).entry);
    const balancesBefore = await dataSource.query<{ code: string; balance_minor: string }[]>(
      'SELECT code, balance_minor FROM accounts',
    );
    const appended = await dataSource.transaction(async (manager) => {
      const locked = await journalWriter.lockAccounts(
        manager,
        drafts.flatMap((d) => d.postings.map((p) => p.account)),
      );
      return journalWriter.appendLocked(
        manager,
        drafts.map((draft) => ({ draft, sourceEventId: randomUUID() })),
        locked,
      );
    });
    expect(appended.map((e) => e.sequence)).toEqual([1n, 2n, 3n, 4n].map((n) => before.sequence + n));
    expect(appended.map((e) => e.aggregateEntryCount)).toEqual([1, 1, 2, 1]);
    let previous = before.hash;
    for (const entry of appended) {
      const stored = await journalQueries.findById(entry.id);
      expect(stored?.previousHash).toBe(previous);
      expect(stored === null ? null : entryHash(previous, stored)).toBe(entry.hash);
      previous = entry.hash;
    }
    expect(await journalQueries.digest()).toEqual({ sequence: before.sequence + 4n, hash: previous });
    // The same account posted by several entries of the batch moved by their sum.
    const feeCode = 'fee_revenue:USD';
    const feeBefore = BigInt(balancesBefore.find((b) => b.code === feeCode)?.balance_minor ?? '0');
    const feePosted = drafts
      .flatMap((d) => d.postings)
      .filter((p) => p.account.code === feeCode)
      .reduce((sum, p) => sum + p.amountMinor, 0n);
    expect(drafts.filter((d) => d.postings.some((p) => p.account.code === feeCode)).length).toBeGreaterThan(
      1,
    );
    expect((await journalQueries.balance(feeCode, { kind: 'now' }))?.balanceMinor).toBe(
      feeBefore + feePosted,
    );
    expect(await journalQueries.verify()).toMatchObject({ ok: true, balanceMismatches: [] });
  });

  it('lets the head advance over several linked entries at once, never over a gap or a broken link', async () => {
    const head = await journalQueries.digest();
    const hash = (n: number) => n.toString(16).padStart(64, '0');
    /** Inserts rows linked as told, moves the head onto the last, and rolls everything back. */
    async function advance(links: readonly { offset: bigint; previousHash: string; hash: string }[]) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        for (const link of links) {
          await runner.query(
            `INSERT INTO journal_entries (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at,
               previous_hash, hash) VALUES ($1, $2, $3, 'capture', 'mer_x', 'pay_x', now(), $4, $5)`,
            [
              randomUUID(),
              (head.sequence + link.offset).toString(),
              randomUUID(),
              link.previousHash,
              link.hash,
            ],
          );
        }
        const last = links[links.length - 1];
        if (last === undefined) throw new Error('no link');
        await runner.query('UPDATE ledger_head SET sequence = $1, hash = $2 WHERE id = 1', [
          (head.sequence + last.offset).toString(),
          last.hash,
        ]);
        return 'advanced';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
    expect(
      await advance([
        { offset: 1n, previousHash: head.hash, hash: hash(1) },
        { offset: 2n, previousHash: hash(1), hash: hash(2) },
        { offset: 3n, previousHash: hash(2), hash: hash(3) },
      ]),
    ).toBe('advanced');
    const refused = /ledger head may only advance over linked entries/;
    expect(
      await advance([
        { offset: 1n, previousHash: head.hash, hash: hash(1) },
        { offset: 3n, previousHash: hash(1), hash: hash(3) },
      ]),
    ).toMatch(refused);
    expect(
      await advance([
        { offset: 1n, previousHash: head.hash, hash: hash(1) },
        { offset: 2n, previousHash: hash(7), hash: hash(2) },
      ]),
    ).toMatch(refused);
    expect(await advance([{ offset: 1n, previousHash: hash(9), hash: hash(1) }])).toMatch(refused);
    expect(await journalQueries.digest()).toEqual(head);
  });

  it('refuses, in the database, an entry that does not balance, has one posting or none, or refers to what does not exist', async () => {
    const [debit, credit] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO accounts (code, type, currency)
       VALUES ('db_check_debit:USD', 'asset', 'USD'), ('db_check_credit:USD', 'liability', 'USD') RETURNING id`,
    );
    if (debit === undefined || credit === undefined) throw new Error('accounts not opened');
    /** Inserts an entry and the given postings (one statement), commits, and says what happened. */
    async function write(amounts: readonly [string, number][], currency = 'USD') {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      const entryId = randomUUID();
      try {
        await runner.query(
          `INSERT INTO journal_entries (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at,
             previous_hash, hash) VALUES ($1, $2, $3, 'capture', 'mer_x', 'pay_x', now(), $4, $4)`,
          [entryId, '900000000', randomUUID(), '0'.repeat(64)],
        );
        if (amounts.length > 0) {
          await runner.query(
            `INSERT INTO postings (entry_id, position, account_id, currency, amount_minor)
             SELECT $1, position - 1, account_id, $4, amount_minor
               FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS p(account_id, amount_minor, position)`,
            [entryId, amounts.map(([account]) => account), amounts.map(([, amount]) => amount), currency],
          );
        }
        await runner.commitTransaction();
        return 'committed';
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        return (error as Error).message;
      } finally {
        await runner.release();
      }
    }
    expect(
      await write([
        [debit.id, 100],
        [credit.id, -99],
      ]),
    ).toMatch(/does not balance in USD: postings sum to 1/);
    expect(await write([[debit.id, 100]])).toMatch(/does not balance in USD/);
    expect(await write([])).toMatch(/has 0 posting\(s\), needs at least 2/);
    expect(
      await write(
        [
          [debit.id, 100],
          [credit.id, -100],
        ],
        'EUR',
      ),
    ).toMatch(/posting refers to account \d+ in EUR, which does not exist/);
    expect(
      await write([
        [debit.id, 100],
        ['999999999', -100],
      ]),
    ).toMatch(/posting refers to account 999999999 in USD, which does not exist/);
    const orphan = await dataSource
      .query(
        `INSERT INTO postings (entry_id, position, account_id, currency, amount_minor)
         VALUES ($1, 0, $2, 'USD', 1), ($1, 1, $3, 'USD', -1)`,
        [randomUUID(), debit.id, credit.id],
      )
      .then(
        () => 'inserted',
        (error: Error) => error.message,
      );
    expect(orphan).toMatch(/posting refers to journal entry .*, which does not exist/);
    for (const change of [
      'DELETE FROM accounts WHERE id = $1',
      "UPDATE accounts SET currency = 'EUR' WHERE id = $1",
    ]) {
      const refused = await dataSource.query(change, [debit.id]).then(
        () => 'changed',
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/accounts are never deleted nor re-keyed/);
    }
    const [written] = await dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM journal_entries WHERE sequence = 900000000',
    );
    expect(written?.n).toBe(0);
  });

  it('answers balances at a sequence and statements with running balances', async () => {
    const code = capture(0).entry.postings[0]?.account.code ?? '';
    const now = await journalQueries.balance(code, { kind: 'now' });
    const statement = await journalQueries.statement(code, 0n, 1_000);
    if (now === null || statement === null) throw new Error(`account ${code} is missing`);
    const last = statement.lines.at(-1);
    expect(last?.balanceAfterMinor).toBe(now.balanceMinor);
    const first = statement.lines[0];
    if (first === undefined) throw new Error('empty statement');
    expect(
      (await journalQueries.balance(code, { kind: 'sequence', sequence: first.sequence }))?.balanceMinor,
    ).toBe(first.amountMinor);
    expect((await journalQueries.balance(code, { kind: 'sequence', sequence: 0n }))?.balanceMinor).toBe(0n);
    expect((await journalQueries.balance(code, { kind: 'time', at: new Date(0) }))?.balanceMinor).toBe(0n);
    const page = await journalQueries.statement(code, 0n, 1);
    expect(page?.hasMore).toBe(statement.lines.length > 1);
  });

  it('verify names the first link altered behind the ledger’s back', async () => {
    expect((await journalQueries.verify()).ok).toBe(true);
    const [target] = await dataSource.query<{ id: string; sequence: string }[]>(
      'SELECT id, sequence FROM journal_entries ORDER BY sequence OFFSET 4 LIMIT 1',
    );
    if (target === undefined) throw new Error('too few entries');
    // As the superuser, with the append-only trigger off for this one statement.
    const superuser = new Client({ connectionString: migrated.database.url });
    await superuser.connect();
    try {
      await superuser.query('BEGIN');
      await superuser.query('ALTER TABLE postings DISABLE TRIGGER postings_append_only');
      await superuser.query(
        'UPDATE postings SET amount_minor = amount_minor + 1 WHERE entry_id = $1 AND position = 0',
        [target.id],
      );
      await superuser.query('ALTER TABLE postings ENABLE TRIGGER postings_append_only');
      await superuser.query('COMMIT');
    } finally {
      await superuser.end();
    }
    const report = await journalQueries.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toEqual({
      sequence: BigInt(target.sequence),
      entryId: target.id,
      reason: 'hash does not match the entry content',
    });
    expect(report.checkedThrough).toBe(BigInt(target.sequence) - 1n);
    expect(report.balanceMismatches.length).toBe(1);
  });

  it('refuses to update or delete the journal', async () => {
    await expect(dataSource.query(`UPDATE postings SET amount_minor = amount_minor + 1`)).rejects.toThrow(
      /append-only: UPDATE on postings/,
    );
    await expect(dataSource.query(`DELETE FROM journal_entries`)).rejects.toThrow(
      /append-only: DELETE on journal_entries/,
    );
  });
});
