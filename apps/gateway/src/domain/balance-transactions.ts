/**
 * Balance transactions from ledger entries, Stripe-style: every change the ledger makes to a
 * merchant's balance is a row (amount, fee, net in minor units) that is pending or available, and
 * the rows of a merchant and currency always add up to its balance:
 *   pending balance   = Σ net of its pending rows
 *   available balance = Σ net of its available rows.
 *
 * A settlement moves money from pending to available without creating money: it flips pending
 * rows to available. A payout sweeps available rows into itself. Both take the rows FIFO (ledger
 * sequence, then position in the entry) up to the smallest prefix whose net reaches the amount;
 * when that prefix overshoots, a `carryover` pair of opposite rows splits the last one exactly:
 * the closing half (−overshoot) goes with the prefix, the other (+overshoot) stays behind for the
 * next settlement or payout. Sums stay exact and nothing is ever rewritten but status, payout and
 * available_on. See apps/gateway/README.md#balance-transactions.
 */
import { balanceDeltas, type Posting } from './merchant-balance';

export const BALANCE_TRANSACTION_TYPES = [
  'charge',
  'refund',
  'dispute',
  'dispute_reversal',
  'payout',
  'payout_failure',
  'adjustment',
  'carryover',
] as const;
export type BalanceTransactionType = (typeof BALANCE_TRANSACTION_TYPES)[number];
export type BalanceTransactionStatus = 'pending' | 'available';

/** What the gateway needs of a ledger.entry_posted. */
export interface LedgerEntryFacts {
  readonly entryId: string;
  readonly sequence: bigint;
  readonly kind: string;
  readonly postings: readonly Posting[];
  readonly occurredAt: Date;
  readonly paymentId?: string;
  readonly refundId?: string;
  readonly payoutId?: string;
  readonly disputeId?: string;
  readonly settlementId?: string;
  /** The merchant's fee, in the merchant's currency (captures only). */
  readonly feeMinor: bigint;
  readonly exchangeRate?: string;
}

/** A row to insert; the repository gives it its id. */
export interface NewBalanceTransaction {
  readonly merchantId: string;
  readonly currency: string;
  readonly type: BalanceTransactionType;
  readonly status: BalanceTransactionStatus;
  readonly amountMinor: bigint;
  readonly feeMinor: bigint;
  readonly netMinor: bigint;
  readonly source: string | null;
  readonly description: string;
  readonly exchangeRate: string | null;
  readonly created: Date;
  /** Null while pending: known once a settlement makes it available. */
  readonly availableOn: Date | null;
}

/**
 * Moves `amountMinor` of a merchant's rows: from pending to available (a settlement; negative for
 * a reversed one), or available rows into a payout.
 */
export type BalanceMove =
  | { readonly kind: 'settle'; readonly amountMinor: bigint; readonly at: Date }
  | { readonly kind: 'pay_out'; readonly amountMinor: bigint; readonly payoutId: string; readonly at: Date };

export interface MerchantEntryPlan {
  readonly merchantId: string;
  readonly currency: string;
  /** The entry's change to the merchant's pending and available balance. */
  readonly pendingMinor: bigint;
  readonly availableMinor: bigint;
  readonly rows: NewBalanceTransaction[];
  readonly move: BalanceMove | null;
}

const TYPE_OF_KIND: Readonly<Record<string, BalanceTransactionType>> = {
  capture: 'charge',
  refund: 'refund',
  dispute_hold: 'dispute',
  dispute_won: 'dispute_reversal',
  payout: 'payout',
  payout_failed: 'payout_failure',
};

function sourceOf(entry: LedgerEntryFacts, type: BalanceTransactionType): string | null {
  switch (type) {
    case 'charge':
      return entry.paymentId ?? null;
    case 'refund':
      return entry.refundId ?? entry.paymentId ?? null;
    case 'dispute':
    case 'dispute_reversal':
      return entry.disputeId ?? entry.paymentId ?? null;
    case 'payout':
    case 'payout_failure':
      return entry.payoutId ?? null;
    default:
      return (
        entry.refundId ?? entry.disputeId ?? entry.payoutId ?? entry.paymentId ?? entry.settlementId ?? null
      );
  }
}

function describe(entry: LedgerEntryFacts, type: BalanceTransactionType): string {
  switch (type) {
    case 'charge':
      return `Payment ${entry.paymentId ?? ''}`.trim();
    case 'refund':
      return `Refund ${entry.refundId ?? ''} of ${entry.paymentId ?? 'a payment'}`;
    case 'dispute':
      return `Dispute ${entry.disputeId ?? ''} of ${entry.paymentId ?? 'a payment'}: amount held`;
    case 'dispute_reversal':
      return `Dispute ${entry.disputeId ?? ''} won: amount returned`;
    case 'payout':
      return `Payout ${entry.payoutId ?? ''}`.trim();
    case 'payout_failure':
      return `Payout ${entry.payoutId ?? ''} failed: amount returned`;
    default:
      return `Ledger ${entry.kind} entry ${entry.entryId}`;
  }
}

/**
 * What one entry does to each merchant balance it touches. A settlement only moves pending to
 * available; any other entry is one money row (net = the change to the whole balance), in
 * pending when it touches only pending, else in available, plus a move when it also shifts money
 * between the two (a reversed settlement, say).
 */
export function planEntry(entry: LedgerEntryFacts): MerchantEntryPlan[] {
  const deltas = balanceDeltas(entry.postings)
    .filter((delta) => delta.pendingMinor !== 0n || delta.availableMinor !== 0n)
    // One lock order for every transaction touching several merchants (no deadlocks).
    .sort((a, b) => compareText(a.merchantId, b.merchantId) || compareText(a.currency, b.currency));
  return deltas.map((delta) => {
    const netMinor = delta.pendingMinor + delta.availableMinor;
    const rows: NewBalanceTransaction[] = [];
    let move: BalanceMove | null = null;
    const settlement = entry.kind === 'settlement';
    if (netMinor !== 0n || !settlement) {
      const type = settlement ? 'adjustment' : (TYPE_OF_KIND[entry.kind] ?? 'adjustment');
      const pendingOnly = delta.availableMinor === 0n;
      const feeMinor = type === 'charge' ? entry.feeMinor : 0n;
      if (netMinor !== 0n) {
        rows.push({
          merchantId: delta.merchantId,
          currency: delta.currency,
          type,
          status: pendingOnly ? 'pending' : 'available',
          amountMinor: netMinor + feeMinor,
          feeMinor,
          netMinor,
          source: sourceOf(entry, type),
          description: describe(entry, type),
          exchangeRate: type === 'charge' ? (entry.exchangeRate ?? null) : null,
          created: entry.occurredAt,
          availableOn: pendingOnly ? null : entry.occurredAt,
        });
      }
      // The row sits in available; pending changed by pendingMinor, so that much came from it.
      if (!pendingOnly && delta.pendingMinor !== 0n) {
        move = { kind: 'settle', amountMinor: -delta.pendingMinor, at: entry.occurredAt };
      }
      if (type === 'payout' && entry.payoutId !== undefined && delta.availableMinor < 0n && move === null) {
        move = {
          kind: 'pay_out',
          amountMinor: -delta.availableMinor,
          payoutId: entry.payoutId,
          at: entry.occurredAt,
        };
      }
    } else {
      move = { kind: 'settle', amountMinor: delta.availableMinor, at: entry.occurredAt };
    }
    return { ...delta, rows, move };
  });
}

/** A row a move may take, in FIFO order. */
export interface PoolRow {
  readonly id: string;
  readonly netMinor: bigint;
  readonly source: string | null;
}

export interface Sweep {
  /** The rows taken whole. */
  readonly taken: readonly string[];
  /**
   * What the taken rows exceed the amount by (negative when the pool ran out): a carryover pair
   * of −overshoot (goes with the taken rows) and +overshoot (stays in the pool) when not zero.
   */
  readonly overshootMinor: bigint;
  /** The row the overshoot splits (the last taken), for the carryover's source and description. */
  readonly split: PoolRow | null;
}

/**
 * The smallest FIFO prefix of the pool whose net reaches amountMinor (> 0), or the whole pool
 * when none does (`reached` false: a caller reading the pool in pages reads on).
 */
export function sweep(pool: readonly PoolRow[], amountMinor: bigint): Sweep & { readonly reached: boolean } {
  let sum = 0n;
  const taken: string[] = [];
  let last: PoolRow | null = null;
  for (const row of pool) {
    sum += row.netMinor;
    taken.push(row.id);
    last = row;
    if (sum >= amountMinor) return { taken, overshootMinor: sum - amountMinor, split: last, reached: true };
  }
  return { taken, overshootMinor: sum - amountMinor, split: last, reached: false };
}

/** The rows a move reads and changes; the repository's SQL, or memory in the tests. */
export interface MoveStore<Cursor> {
  /** Rows of the merchant and currency in that status, not paid out, not payouts, FIFO, after `after`. */
  pool(
    status: BalanceTransactionStatus,
    after: Cursor | null,
    limit: number,
  ): Promise<{ rows: PoolRow[]; last: Cursor | null }>;
  /** Flips the rows to a status (available_on: when they became available, else null). */
  setStatus(
    ids: readonly string[],
    status: BalanceTransactionStatus,
    availableOn: Date | null,
  ): Promise<void>;
  assignPayout(ids: readonly string[], payoutId: string): Promise<void>;
  insert(row: NewBalanceTransaction, payoutId: string | null): Promise<void>;
}

/** Rows read at a time while a move looks for what it takes. */
export const POOL_PAGE_ROWS = 500;

/** Carries out a move: takes the FIFO prefix, and splits its last row exactly when it overshoots. */
export async function executeMove<Cursor>(
  store: MoveStore<Cursor>,
  merchantId: string,
  currency: string,
  move: BalanceMove,
  pageRows = POOL_PAGE_ROWS,
): Promise<Sweep> {
  if (move.amountMinor === 0n) return { taken: [], overshootMinor: 0n, split: null };
  // A negative settlement (a reversed one) moves the other way.
  const from: BalanceTransactionStatus =
    move.kind === 'settle' && move.amountMinor > 0n ? 'pending' : 'available';
  const amountMinor = move.amountMinor < 0n ? -move.amountMinor : move.amountMinor;
  const pool: PoolRow[] = [];
  let after: Cursor | null = null;
  let result = sweep(pool, amountMinor);
  for (;;) {
    const page = await store.pool(from, after, pageRows);
    pool.push(...page.rows);
    result = sweep(pool, amountMinor);
    // A short page is the end of the pool.
    if (result.reached || page.rows.length < pageRows || page.last === null) break;
    after = page.last;
  }
  const payoutId = move.kind === 'pay_out' ? move.payoutId : null;
  const to: BalanceTransactionStatus = from === 'pending' ? 'available' : 'pending';
  if (result.taken.length > 0) {
    if (payoutId !== null) await store.assignPayout(result.taken, payoutId);
    else await store.setStatus(result.taken, to, to === 'available' ? move.at : null);
  }
  const pair = carryoverPair(merchantId, currency, move, result, from);
  if (pair !== null) {
    await store.insert(pair.closing, payoutId);
    await store.insert(pair.remainder, null);
  }
  return result;
}

/** The carryover pair for a sweep that did not end exactly; null when it did. */
function carryoverPair(
  merchantId: string,
  currency: string,
  move: BalanceMove,
  result: Sweep,
  from: BalanceTransactionStatus,
): { closing: NewBalanceTransaction; remainder: NewBalanceTransaction } | null {
  if (result.overshootMinor === 0n) return null;
  const to: BalanceTransactionStatus =
    move.kind === 'pay_out' ? 'available' : from === 'pending' ? 'available' : 'pending';
  const what = result.split === null ? 'nothing left to take' : `${result.split.id} split`;
  const purpose =
    move.kind === 'pay_out'
      ? `payout ${move.payoutId}`
      : to === 'available'
        ? 'settlement'
        : 'reversed settlement';
  const row = (
    netMinor: bigint,
    status: BalanceTransactionStatus,
    description: string,
  ): NewBalanceTransaction => ({
    merchantId,
    currency,
    type: 'carryover',
    status,
    amountMinor: netMinor,
    feeMinor: 0n,
    netMinor,
    source: result.split?.source ?? null,
    description,
    exchangeRate: null,
    created: move.at,
    availableOn: status === 'available' ? move.at : null,
  });
  return {
    closing: row(-result.overshootMinor, to, `Carryover (${what}): closes ${purpose} exactly`),
    remainder: row(result.overshootMinor, from, `Carryover (${what}): left for later`),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
