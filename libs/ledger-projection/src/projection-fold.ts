import type { EventData } from '@platform/contracts';

export type LedgerEntryPosted = EventData<'ledger.entry_posted'>;

/** Volume rows are kept per 15 minutes: every IANA time zone's offset is a multiple of it. */
export const BUCKET_MINUTES = 15;
const BUCKET_MS = BUCKET_MINUTES * 60_000;
/** A method the entry does not name (a refund without its payment's method, say). */
export const UNKNOWN_METHOD = 'unknown';
/** The merchant column of rows that belong to no merchant (platform accounts). */
export const NO_MERCHANT = '';

export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

/**
 * One row per presentment currency (what the customer paid in) and settlement currency (what the
 * merchant is credited in; the same one without fx). Amounts of the two are never added together.
 */
export interface VolumeDelta {
  merchantId: string;
  bucket: string;
  /** Presentment currency: grossMinor, refundedMinor and disputedMinor are in it. */
  currency: string;
  /** Settlement currency: feeMinor and the settlement* amounts are in it. */
  settlementCurrency: string;
  paymentMethod: string;
  grossMinor: bigint;
  feeMinor: bigint;
  refundedMinor: bigint;
  captureCount: bigint;
  refundCount: bigint;
  /** Disputes opened (dispute_hold entries) and the amounts they dispute. */
  disputeCount: bigint;
  disputedMinor: bigint;
  settlementGrossMinor: bigint;
  settlementRefundedMinor: bigint;
  settlementDisputedMinor: bigint;
}

export interface BalanceDelta {
  accountCode: string;
  accountType: string;
  currency: string;
  merchantId: string;
  debitMinor: bigint;
  creditMinor: bigint;
  postingCount: bigint;
  lastSequence: bigint;
}

export interface FeeDelta {
  bucket: string;
  currency: string;
  merchantId: string;
  revenueMinor: bigint;
  entryCount: bigint;
}

export interface PayoutDelta {
  merchantId: string;
  bucket: string;
  currency: string;
  requestedMinor: bigint;
  requestedCount: bigint;
  paidMinor: bigint;
  paidCount: bigint;
  failedMinor: bigint;
  failedCount: bigint;
}

/** Per merchant, currency and entry kind: what reconciliation checks the other projections against. */
export interface ActivityDelta {
  merchantId: string;
  currency: string;
  kind: string;
  entryCount: bigint;
  grossMinor: bigint;
  /** The entry's fee, under the currency it is charged in (a capture's settlement currency). */
  feeMinor: bigint;
  /** Sum of the entry's postings to accounts the merchant owns (signed, debit positive). */
  merchantPostedMinor: bigint;
  /** Credits to those accounts (a capture's net), positive: read from the postings, not the context. */
  merchantCreditedMinor: bigint;
  /** Credits to revenue accounts less debits, in the postings' currency: the fees really charged. */
  revenueMinor: bigint;
}

/** What a set of entries adds to every projection; rows keyed so that one key appears once. */
export interface ProjectionDeltas {
  readonly volume: Map<string, VolumeDelta>;
  readonly balances: Map<string, BalanceDelta>;
  readonly fees: Map<string, FeeDelta>;
  readonly payouts: Map<string, PayoutDelta>;
  readonly activity: Map<string, ActivityDelta>;
  entries: number;
}

export function emptyDeltas(): ProjectionDeltas {
  return {
    volume: new Map(),
    balances: new Map(),
    fees: new Map(),
    payouts: new Map(),
    activity: new Map(),
    entries: 0,
  };
}

/** The start of the 15-minute UTC bucket of an ISO 8601 timestamp, as an ISO string. */
export function bucketOf(isoTimestamp: string): string {
  const time = Date.parse(isoTimestamp);
  if (Number.isNaN(time)) throw new ProjectionError(`not a timestamp: ${JSON.stringify(isoTimestamp)}`);
  return new Date(Math.floor(time / BUCKET_MS) * BUCKET_MS).toISOString();
}

/** The merchant an account belongs to, when its code names one (merchant_pending:mer_x:USD). */
export function merchantOfAccount(accountCode: string): string {
  return accountCode.split(':').find((part) => /^mer_[A-Za-z0-9]{8,64}$/.test(part)) ?? NO_MERCHANT;
}

/**
 * Why an entry cannot be projected, or undefined. The contract checks shapes; this checks what the
 * projections rely on: postings balance per currency, and kinds that move a merchant's money name it.
 */
export function entryProblem(entry: LedgerEntryPosted): string | undefined {
  const sums = new Map<string, bigint>();
  for (const posting of entry.postings) {
    sums.set(posting.currency, (sums.get(posting.currency) ?? 0n) + BigInt(posting.amountMinor));
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) return `entry ${entry.entryId} does not balance in ${currency} (off by ${sum})`;
  }
  if (Number.isNaN(Date.parse(entry.context.occurredAt))) {
    return `entry ${entry.entryId} has no valid occurredAt`;
  }
  const needsMerchant = ['capture', 'refund', 'payout', 'payout_paid', 'payout_failed'];
  if (needsMerchant.includes(entry.kind) && entry.context.merchantId === undefined) {
    return `entry ${entry.entryId} (${entry.kind}) names no merchant`;
  }
  if (entry.kind === 'refund' || entry.kind === 'dispute_hold') {
    const debited = new Set(
      entry.postings
        .filter((p) => merchantOfAccount(p.accountCode) !== NO_MERCHANT && BigInt(p.amountMinor) > 0n)
        .map((p) => p.currency),
    );
    if (debited.size > 1)
      return `entry ${entry.entryId} (${entry.kind}) debits the merchant in several currencies`;
  }
  return undefined;
}

/**
 * The merchant's side of a capture, refund or dispute: the currency it settles in and the amount
 * in it. A capture carries it in context.fx; a refund or dispute debits the merchant's accounts in
 * it (the postings carry the currency). Without fx both are the presentment currency and amount.
 */
export function settlementSide(entry: LedgerEntryPosted): { currency: string; amountMinor: bigint } {
  const { context } = entry;
  if (entry.kind === 'capture') {
    return {
      currency: context.fx?.settlementCurrency ?? context.currency,
      amountMinor: BigInt(context.fx?.settlementAmountMinor ?? context.grossAmountMinor),
    };
  }
  let currency: string | undefined;
  let amountMinor = 0n;
  for (const posting of entry.postings) {
    const owner = merchantOfAccount(posting.accountCode);
    const amount = BigInt(posting.amountMinor);
    if (owner === NO_MERCHANT || owner !== context.merchantId || amount <= 0n) continue;
    currency = posting.currency;
    amountMinor += amount;
  }
  return currency === undefined
    ? { currency: context.currency, amountMinor: BigInt(context.grossAmountMinor) }
    : { currency, amountMinor };
}

function newActivity(merchantId: string, currency: string, kind: string): ActivityDelta {
  return {
    merchantId,
    currency,
    kind,
    entryCount: 0n,
    grossMinor: 0n,
    feeMinor: 0n,
    merchantPostedMinor: 0n,
    merchantCreditedMinor: 0n,
    revenueMinor: 0n,
  };
}

function add<T>(map: Map<string, T>, key: string, fresh: () => T, update: (row: T) => void): void {
  let row = map.get(key);
  if (row === undefined) {
    row = fresh();
    map.set(key, row);
  }
  update(row);
}

/**
 * Folds one entry into the deltas. Pure and additive: folding entries in any order or grouping
 * gives the same sums, which is what makes the projections independent of batching. The caller
 * folds each entry once (sequence-based idempotency) and has checked it with entryProblem.
 */
export function foldEntry(deltas: ProjectionDeltas, entry: LedgerEntryPosted): void {
  const { context } = entry;
  const bucket = bucketOf(context.occurredAt);
  const merchantId = context.merchantId ?? NO_MERCHANT;
  const currency = context.currency;
  const grossMinor = BigInt(context.grossAmountMinor);
  const feeMinor = BigInt(context.feeAmountMinor);
  const sequence = BigInt(entry.sequence);
  const isVolume = entry.kind === 'capture' || entry.kind === 'refund' || entry.kind === 'dispute_hold';
  const settlement = isVolume ? settlementSide(entry) : { currency, amountMinor: grossMinor };
  deltas.entries += 1;

  const revenueByCurrency = new Map<string, bigint>();
  for (const posting of entry.postings) {
    const amountMinor = BigInt(posting.amountMinor);
    const owner = merchantOfAccount(posting.accountCode);
    if (owner !== NO_MERCHANT) {
      add(
        deltas.activity,
        `${owner}|${posting.currency}|${entry.kind}`,
        () => newActivity(owner, posting.currency, entry.kind),
        (row) => {
          row.merchantPostedMinor += amountMinor;
          if (amountMinor < 0n) row.merchantCreditedMinor -= amountMinor;
        },
      );
    }
    if (posting.accountType === 'revenue') {
      revenueByCurrency.set(posting.currency, (revenueByCurrency.get(posting.currency) ?? 0n) - amountMinor);
    }
    add(
      deltas.balances,
      posting.accountCode,
      () => ({
        accountCode: posting.accountCode,
        accountType: posting.accountType,
        currency: posting.currency,
        merchantId: owner,
        debitMinor: 0n,
        creditMinor: 0n,
        postingCount: 0n,
        lastSequence: 0n,
      }),
      (row) => {
        if (amountMinor >= 0n) row.debitMinor += amountMinor;
        else row.creditMinor -= amountMinor;
        row.postingCount += 1n;
        if (sequence > row.lastSequence) row.lastSequence = sequence;
      },
    );
  }

  add(
    deltas.activity,
    `${merchantId}|${currency}|${entry.kind}`,
    () => newActivity(merchantId, currency, entry.kind),
    (row) => {
      row.entryCount += 1n;
      row.grossMinor += grossMinor;
    },
  );
  // The fee is charged in the settlement currency (the context names its amount, not its currency).
  if (feeMinor !== 0n) {
    add(
      deltas.activity,
      `${merchantId}|${settlement.currency}|${entry.kind}`,
      () => newActivity(merchantId, settlement.currency, entry.kind),
      (row) => {
        row.feeMinor += feeMinor;
      },
    );
  }
  for (const [revenueCurrency, revenueMinor] of revenueByCurrency) {
    if (revenueMinor === 0n) continue;
    add(
      deltas.activity,
      `${merchantId}|${revenueCurrency}|${entry.kind}`,
      () => newActivity(merchantId, revenueCurrency, entry.kind),
      (row) => {
        row.revenueMinor += revenueMinor;
      },
    );
  }

  for (const [revenueCurrency, revenueMinor] of revenueByCurrency) {
    if (revenueMinor === 0n) continue;
    add(
      deltas.fees,
      `${bucket}|${revenueCurrency}|${merchantId}`,
      () => ({ bucket, currency: revenueCurrency, merchantId, revenueMinor: 0n, entryCount: 0n }),
      (row) => {
        row.revenueMinor += revenueMinor;
        row.entryCount += 1n;
      },
    );
  }

  if (isVolume) {
    const paymentMethod = context.paymentMethodType ?? UNKNOWN_METHOD;
    const settlementCurrency = settlement.currency;
    add(
      deltas.volume,
      `${merchantId}|${bucket}|${currency}|${settlementCurrency}|${paymentMethod}`,
      () => ({
        merchantId,
        bucket,
        currency,
        settlementCurrency,
        paymentMethod,
        grossMinor: 0n,
        feeMinor: 0n,
        refundedMinor: 0n,
        captureCount: 0n,
        refundCount: 0n,
        disputeCount: 0n,
        disputedMinor: 0n,
        settlementGrossMinor: 0n,
        settlementRefundedMinor: 0n,
        settlementDisputedMinor: 0n,
      }),
      (row) => {
        if (entry.kind === 'capture') {
          row.grossMinor += grossMinor;
          row.settlementGrossMinor += settlement.amountMinor;
          row.feeMinor += feeMinor;
          row.captureCount += 1n;
        } else if (entry.kind === 'refund') {
          row.refundedMinor += grossMinor;
          row.settlementRefundedMinor += settlement.amountMinor;
          row.refundCount += 1n;
        } else {
          row.disputedMinor += grossMinor;
          row.settlementDisputedMinor += settlement.amountMinor;
          row.disputeCount += 1n;
        }
      },
    );
  }

  if (entry.kind === 'payout' || entry.kind === 'payout_paid' || entry.kind === 'payout_failed') {
    add(
      deltas.payouts,
      `${merchantId}|${bucket}|${currency}`,
      () => ({
        merchantId,
        bucket,
        currency,
        requestedMinor: 0n,
        requestedCount: 0n,
        paidMinor: 0n,
        paidCount: 0n,
        failedMinor: 0n,
        failedCount: 0n,
      }),
      (row) => {
        if (entry.kind === 'payout') {
          row.requestedMinor += grossMinor;
          row.requestedCount += 1n;
        } else if (entry.kind === 'payout_paid') {
          row.paidMinor += grossMinor;
          row.paidCount += 1n;
        } else {
          row.failedMinor += grossMinor;
          row.failedCount += 1n;
        }
      },
    );
  }
}

export function foldEntries(entries: readonly LedgerEntryPosted[]): ProjectionDeltas {
  const deltas = emptyDeltas();
  for (const entry of entries) foldEntry(deltas, entry);
  return deltas;
}

/**
 * Keeps the first entry of each sequence, in order: the ledger's global sequence names an entry
 * once, and a republished entry carries its original sequence.
 */
export function distinctBySequence(entries: readonly LedgerEntryPosted[]): LedgerEntryPosted[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (seen.has(entry.sequence)) return false;
    seen.add(entry.sequence);
    return true;
  });
}

/** The highest sequence s such that every sequence from 1 to s is in the set, starting from `from`. */
export function contiguousFrom(from: bigint, applied: ReadonlySet<bigint>): bigint {
  let sequence = from;
  while (applied.has(sequence + 1n)) sequence += 1n;
  return sequence;
}
