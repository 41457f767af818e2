import fc from 'fast-check';
import {
  executeMove,
  planEntry,
  sweep,
  type BalanceTransactionStatus,
  type LedgerEntryFacts,
  type MoveStore,
  type NewBalanceTransaction,
  type Sweep,
} from './balance-transactions';
import type { Posting } from './merchant-balance';

interface Row extends NewBalanceTransaction {
  readonly id: string;
  status: BalanceTransactionStatus;
  availableOn: Date | null;
  payoutId: string | null;
  readonly sequence: bigint;
  readonly ordinal: number;
}

/** The consumer and repository in memory: the same plan and move code, rows in an array. */
class MemoryBook {
  readonly rows: Row[] = [];
  readonly balances = new Map<string, { pending: bigint; available: bigint }>();
  readonly sweeps: Sweep[] = [];
  private nextId = 1;

  apply(entry: LedgerEntryFacts): Promise<void> {
    return this.applyAsync(entry);
  }

  private async applyAsync(entry: LedgerEntryFacts): Promise<void> {
    let ordinal = 0;
    const insert = (row: NewBalanceTransaction, payoutId: string | null): Promise<void> => {
      this.rows.push({
        ...row,
        id: `txn_${String(this.nextId++).padStart(8, '0')}`,
        payoutId,
        sequence: entry.sequence,
        ordinal: ordinal++,
      });
      return Promise.resolve();
    };
    for (const plan of planEntry(entry)) {
      const key = `${plan.merchantId}:${plan.currency}`;
      const balance = this.balances.get(key) ?? { pending: 0n, available: 0n };
      balance.pending += plan.pendingMinor;
      balance.available += plan.availableMinor;
      this.balances.set(key, balance);
      for (const row of plan.rows) await insert(row, null);
      if (plan.move === null) continue;
      const byId = (ids: readonly string[]): Row[] => this.rows.filter((row) => ids.includes(row.id));
      const store: MoveStore<number> = {
        pool: (status, after, limit) => {
          const pool = this.rows
            .filter(
              (row) =>
                row.merchantId === plan.merchantId &&
                row.currency === plan.currency &&
                row.status === status &&
                row.payoutId === null &&
                row.type !== 'payout',
            )
            .sort((a, b) =>
              a.sequence === b.sequence ? a.ordinal - b.ordinal : a.sequence < b.sequence ? -1 : 1,
            );
          const start = after ?? 0;
          // A small page size here exercises the paging the SQL store does by 500s.
          const page = pool.slice(start, start + Math.min(limit, 3));
          return Promise.resolve({
            rows: page.map((row) => ({ id: row.id, netMinor: row.netMinor, source: row.source })),
            last: page.length === 0 ? null : start + page.length,
          });
        },
        setStatus: (ids, status, availableOn) => {
          for (const row of byId(ids)) Object.assign(row, { status, availableOn });
          return Promise.resolve();
        },
        assignPayout: (ids, payoutId) => {
          for (const row of byId(ids)) row.payoutId = payoutId;
          return Promise.resolve();
        },
        insert,
      };
      this.sweeps.push(await executeMove(store, plan.merchantId, plan.currency, plan.move));
    }
  }

  sums(): Map<string, { pending: bigint; available: bigint }> {
    const sums = new Map<string, { pending: bigint; available: bigint }>();
    for (const row of this.rows) {
      const key = `${row.merchantId}:${row.currency}`;
      const sum = sums.get(key) ?? { pending: 0n, available: 0n };
      if (row.status === 'pending') sum.pending += row.netMinor;
      else sum.available += row.netMinor;
      sums.set(key, sum);
    }
    return sums;
  }

  paidOut(payoutId: string): bigint {
    return this.rows.filter((row) => row.payoutId === payoutId).reduce((sum, row) => sum + row.netMinor, 0n);
  }
}

const MERCHANTS = ['mer_A1234567', 'mer_B1234567'];
const CURRENCIES = ['USD', 'EUR'];
const at = new Date('2026-12-01T00:00:00Z');

const pending = (merchant: string, currency: string, amount: bigint): Posting => ({
  accountCode: `merchant_pending:${merchant}:${currency}`,
  currency,
  amountMinor: amount.toString(),
});
const available = (merchant: string, currency: string, amount: bigint): Posting => ({
  accountCode: `merchant_available:${merchant}:${currency}`,
  currency,
  amountMinor: amount.toString(),
});
const other = (code: string, currency: string, amount: bigint): Posting => ({
  accountCode: `${code}:${currency}`,
  currency,
  amountMinor: amount.toString(),
});

interface Op {
  readonly kind: number;
  readonly merchant: number;
  readonly currency: number;
  readonly amount: number;
  readonly pick: number;
}

interface Simulated {
  readonly entries: LedgerEntryFacts[];
  readonly payouts: Map<string, bigint>;
}

/**
 * Ledger entries as the ledger would post them: captures, refunds, disputes, settlements of
 * some unsettled captures, payouts within the available balance, their failures, reversals.
 */
function simulate(ops: readonly Op[], withReversals: boolean): Simulated {
  const entries: LedgerEntryFacts[] = [];
  const unsettled: { merchant: string; currency: string; net: bigint }[] = [];
  const owed = new Map<string, bigint>();
  const disputes: { merchant: string; currency: string; amount: bigint }[] = [];
  const reserved: { id: string; merchant: string; currency: string; amount: bigint }[] = [];
  const payouts = new Map<string, bigint>();
  const post = (kind: string, postings: Posting[], ids: Partial<LedgerEntryFacts> = {}): void => {
    entries.push({
      entryId: `00000000-0000-4000-8000-${String(entries.length).padStart(12, '0')}`,
      sequence: BigInt(entries.length + 1),
      kind,
      postings,
      occurredAt: new Date(at.getTime() + entries.length * 1000),
      feeMinor: 0n,
      ...ids,
    });
  };
  const addOwed = (merchant: string, currency: string, delta: bigint): void => {
    const key = `${merchant}:${currency}`;
    owed.set(key, (owed.get(key) ?? 0n) + delta);
  };
  for (const [index, op] of ops.entries()) {
    const merchant = MERCHANTS[op.merchant % MERCHANTS.length] ?? '';
    const currency = CURRENCIES[op.currency % CURRENCIES.length] ?? '';
    const amount = BigInt(op.amount);
    switch (op.kind % 8) {
      case 0:
      case 1: {
        const fee = amount / 30n;
        const net = amount - fee;
        post(
          'capture',
          [
            other('processor_receivable:simulator', currency, amount),
            pending(merchant, currency, -net),
            other('fee_revenue', currency, -fee),
          ],
          { paymentId: `pay_${index}xxxxxxxx`, feeMinor: fee },
        );
        unsettled.push({ merchant, currency, net });
        break;
      }
      case 2: {
        post(
          'refund',
          [available(merchant, currency, amount), other('processor_receivable:simulator', currency, -amount)],
          {
            refundId: `re_${index}xxxxxxxx`,
          },
        );
        addOwed(merchant, currency, -amount);
        break;
      }
      case 3: {
        if (op.pick % 2 === 0 || disputes.length === 0) {
          post(
            'dispute_hold',
            [
              available(merchant, currency, amount),
              other(`chargebacks_in_flight:${merchant}`, currency, -amount),
            ],
            {
              disputeId: `dp_${index}xxxxxxxx`,
            },
          );
          disputes.push({ merchant, currency, amount });
          addOwed(merchant, currency, -amount);
        } else {
          const [won] = disputes.splice(op.pick % disputes.length, 1);
          if (won === undefined) break;
          post('dispute_won', [
            other(`chargebacks_in_flight:${won.merchant}`, won.currency, won.amount),
            available(won.merchant, won.currency, -won.amount),
          ]);
          addOwed(won.merchant, won.currency, won.amount);
        }
        break;
      }
      case 4: {
        // Settles the unsettled captures of one currency: all of them, or those the pick's bits choose.
        const chosen = unsettled.filter(
          (capture, position) =>
            capture.currency === currency && (op.pick % 2 === 0 || ((op.pick >> position % 16) & 1) === 1),
        );
        if (chosen.length === 0) break;
        const postings: Posting[] = [];
        for (const capture of chosen) {
          unsettled.splice(unsettled.indexOf(capture), 1);
          postings.push(
            pending(capture.merchant, currency, capture.net),
            available(capture.merchant, currency, -capture.net),
          );
          addOwed(capture.merchant, currency, capture.net);
        }
        post('settlement', merged(postings), { settlementId: `stl_${index}` });
        break;
      }
      case 5: {
        const balance = owed.get(`${merchant}:${currency}`) ?? 0n;
        if (balance <= 0n) break;
        const payout = 1n + (amount % balance);
        const id = `po_${String(index).padStart(8, '0')}`;
        post(
          'payout',
          [available(merchant, currency, payout), other(`payouts_in_flight:${merchant}`, currency, -payout)],
          {
            payoutId: id,
          },
        );
        reserved.push({ id, merchant, currency, amount: payout });
        payouts.set(id, payout);
        addOwed(merchant, currency, -payout);
        break;
      }
      case 6: {
        const [failed] = reserved.splice(op.pick % Math.max(reserved.length, 1), 1);
        if (failed === undefined) break;
        post(
          'payout_failed',
          [
            other(`payouts_in_flight:${failed.merchant}`, failed.currency, failed.amount),
            available(failed.merchant, failed.currency, -failed.amount),
          ],
          {
            payoutId: failed.id,
          },
        );
        addOwed(failed.merchant, failed.currency, failed.amount);
        break;
      }
      default: {
        const original = entries[op.pick % Math.max(entries.length, 1)];
        if (!withReversals || original === undefined) break;
        post(
          'reversal',
          original.postings.map((p) => ({ ...p, amountMinor: (-BigInt(p.amountMinor)).toString() })),
          { paymentId: original.paymentId, payoutId: original.payoutId },
        );
        for (const delta of planEntry(original))
          addOwed(delta.merchantId, delta.currency, -delta.availableMinor);
      }
    }
  }
  return { entries, payouts };
}

function merged(postings: readonly Posting[]): Posting[] {
  const byAccount = new Map<string, Posting>();
  for (const p of postings) {
    const seen = byAccount.get(p.accountCode);
    byAccount.set(
      p.accountCode,
      seen === undefined
        ? p
        : { ...p, amountMinor: (BigInt(seen.amountMinor) + BigInt(p.amountMinor)).toString() },
    );
  }
  return [...byAccount.values()];
}

const ops = fc.array(
  fc.record({
    kind: fc.nat(7),
    merchant: fc.nat(1),
    currency: fc.nat(1),
    amount: fc.integer({ min: 1, max: 100_000 }),
    pick: fc.integer({ min: 0, max: 0xffff }),
  }),
  { maxLength: 60 },
);

function expectInvariants(book: MemoryBook, payouts: ReadonlyMap<string, bigint>): void {
  const sums = book.sums();
  for (const [key, balance] of book.balances) {
    expect({ key, ...(sums.get(key) ?? { pending: 0n, available: 0n }) }).toEqual({ key, ...balance });
  }
  for (const [id, amount] of payouts) expect({ id, paid: book.paidOut(id) }).toEqual({ id, paid: amount });
  for (const row of book.rows) {
    expect(row.netMinor).toBe(row.amountMinor - row.feeMinor);
    if (row.payoutId !== null) expect(row.status).toBe('available');
    expect(row.status === 'pending').toBe(row.availableOn === null);
  }
}

describe('balance transactions', () => {
  it('keeps pending and available equal to the sums of the rows, and every payout equal to what it took', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.boolean(), async (sequence, withReversals) => {
        const { entries, payouts } = simulate(sequence, withReversals);
        const book = new MemoryBook();
        for (const entry of entries) await book.apply(entry);
        expectInvariants(book, payouts);
        if (!withReversals) {
          // In ledger order nothing settles or pays out more than there is: no pool runs dry.
          for (const result of book.sweeps) expect(result.overshootMinor >= 0n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the sums exact whatever order the entries arrive in (partitions interleave)', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.array(fc.nat()), async (sequence, keys) => {
        const { entries, payouts } = simulate(sequence, true);
        const order = entries
          .map((entry, index) => ({ entry, key: keys[index % Math.max(keys.length, 1)] ?? index }))
          .sort((a, b) => a.key - b.key);
        const book = new MemoryBook();
        for (const { entry } of order) await book.apply(entry);
        expectInvariants(book, payouts);
      }),
      { numRuns: 200 },
    );
  });

  it('settles pending charges FIFO and splits the charge a payout ends inside', async () => {
    const book = new MemoryBook();
    const merchant = 'mer_A1234567';
    await book.apply({
      entryId: 'e1',
      sequence: 1n,
      kind: 'capture',
      postings: [pending(merchant, 'USD', -9680n), other('fee_revenue', 'USD', -320n)],
      occurredAt: at,
      paymentId: 'pay_1xxxxxxxx',
      feeMinor: 320n,
    });
    expect(book.rows).toMatchObject([
      {
        type: 'charge',
        status: 'pending',
        amountMinor: 10000n,
        feeMinor: 320n,
        netMinor: 9680n,
        availableOn: null,
      },
    ]);
    await book.apply({
      entryId: 'e2',
      sequence: 2n,
      kind: 'settlement',
      postings: [pending(merchant, 'USD', 9680n), available(merchant, 'USD', -9680n)],
      occurredAt: at,
      feeMinor: 0n,
    });
    expect(book.rows).toHaveLength(1);
    expect(book.rows[0]).toMatchObject({ status: 'available', availableOn: at });
    await book.apply({
      entryId: 'e3',
      sequence: 3n,
      kind: 'payout',
      postings: [available(merchant, 'USD', 5000n), other(`payouts_in_flight:${merchant}`, 'USD', -5000n)],
      occurredAt: at,
      payoutId: 'po_12345678',
      feeMinor: 0n,
    });
    expect(book.rows.map((row) => [row.type, row.netMinor, row.payoutId])).toEqual([
      ['charge', 9680n, 'po_12345678'],
      ['payout', -5000n, null],
      ['carryover', -4680n, 'po_12345678'],
      ['carryover', 4680n, null],
    ]);
    expect(book.paidOut('po_12345678')).toBe(5000n);
    expect(book.sums().get(`${merchant}:USD`)).toEqual({ pending: 0n, available: 4680n });
  });

  it('takes the smallest FIFO prefix that reaches the amount, past refunds', () => {
    const rows = [
      { id: 'a', netMinor: 100n, source: null },
      { id: 'b', netMinor: -80n, source: null },
      { id: 'c', netMinor: 50n, source: null },
      { id: 'd', netMinor: 10n, source: null },
    ];
    expect(sweep(rows, 70n)).toMatchObject({ taken: ['a'], overshootMinor: 30n, reached: true });
    const refundFirst = [rows[1], rows[0], rows[2]].filter((row) => row !== undefined);
    expect(sweep(refundFirst, 60n)).toMatchObject({ taken: ['b', 'a', 'c'], overshootMinor: 10n });
    expect(sweep(rows, 100n)).toMatchObject({ taken: ['a'], overshootMinor: 0n });
    expect(sweep(rows, 90n)).toMatchObject({ taken: ['a'], overshootMinor: 10n });
    expect(sweep(rows, 200n)).toMatchObject({
      taken: ['a', 'b', 'c', 'd'],
      overshootMinor: -120n,
      reached: false,
    });
  });
});
