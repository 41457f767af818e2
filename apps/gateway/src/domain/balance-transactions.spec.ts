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
import {
  LEDGER_OPS,
  SIMULATION_START,
  available,
  other,
  pending,
  simulate,
} from '../../../../test/fixtures/ledger-entry-simulation';

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
          const page = pool.slice(start, start + limit);
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
      // Pages of 3 exercise the paging the SQL store does by 500s.
      this.sweeps.push(await executeMove(store, plan.merchantId, plan.currency, plan.move, 3));
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
      fc.asyncProperty(LEDGER_OPS, fc.boolean(), async (sequence, withReversals) => {
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
      fc.asyncProperty(LEDGER_OPS, fc.array(fc.nat()), async (sequence, keys) => {
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
      occurredAt: SIMULATION_START,
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
      occurredAt: SIMULATION_START,
      feeMinor: 0n,
    });
    expect(book.rows).toHaveLength(1);
    expect(book.rows[0]).toMatchObject({ status: 'available', availableOn: SIMULATION_START });
    await book.apply({
      entryId: 'e3',
      sequence: 3n,
      kind: 'payout',
      postings: [available(merchant, 'USD', 5000n), other(`payouts_in_flight:${merchant}`, 'USD', -5000n)],
      occurredAt: SIMULATION_START,
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
