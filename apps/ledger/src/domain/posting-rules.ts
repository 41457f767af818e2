import { AMOUNT_MINOR_MAX, isKnownCurrency } from '@platform/money';
import { accounts } from './chart-of-accounts';
import {
  assertBalanced,
  mergePostings,
  type EntryDetails,
  type EntryKind,
  type JournalEntryDraft,
  type Posting,
} from './journal-entry';
import type {
  CaptureRecord,
  DisputeRecord,
  PaymentPosition,
  PayoutRecord,
  RefundRecord,
} from './ledger-state';
import { feeFor, type Pricing } from './pricing';

/** The contract's ledger.entry_rejected reasons. */
export type RejectReason =
  | 'insufficient_balance'
  | 'refund_exceeds_captured'
  | 'hold_already_resolved'
  | 'unknown_hold'
  | 'invalid_amount'
  | 'settlement_totals_mismatch'
  | 'unknown_settlement_item'
  | 'settlement_item_mismatch'
  | 'already_settled'
  | 'dispute_not_lost';

export interface Rejection {
  readonly outcome: 'reject';
  readonly reason: RejectReason;
  readonly message: string;
}

/** Nothing to post and nothing wrong (a payout.failed for a payout the ledger never reserved). */
export interface Ignored {
  readonly outcome: 'ignore';
  readonly message: string;
}

/** The business context of an entry, for ledger.entry_posted (reporting needs nothing else). */
export interface EntryContext {
  readonly currency: string;
  readonly grossAmountMinor: bigint;
  readonly feeAmountMinor: bigint;
  readonly processor?: string;
  readonly paymentMethodType?: string;
  readonly fx?: FxFacts;
}

/** An account whose credit balance (what the platform owes) may not go below zero. */
export interface BalanceGuard {
  readonly accountCode: string;
}

export interface Posted<S> {
  readonly outcome: 'post';
  readonly entry: JournalEntryDraft;
  readonly context: EntryContext;
  /** The state after the entry, to store in the same transaction. */
  readonly state: S;
  readonly guards: readonly BalanceGuard[];
}

export type Decision<S> = Posted<S> | Rejection | Ignored;

export interface FxFacts {
  readonly settlementCurrency: string;
  readonly settlementAmountMinor: bigint;
  readonly rate: string;
  readonly rateVersion: string;
}

interface Common {
  readonly occurredAt: Date;
}

function reject(reason: RejectReason, message: string): Rejection {
  return { outcome: 'reject', reason, message };
}

function validAmount(amountMinor: bigint, what: string): Rejection | null {
  if (amountMinor <= 0n) return reject('invalid_amount', `${what} must be positive, got ${amountMinor}`);
  if (amountMinor > AMOUNT_MINOR_MAX) return reject('invalid_amount', `${what} too large: ${amountMinor}`);
  return null;
}

function validCurrency(currency: string): Rejection | null {
  return isKnownCurrency(currency) ? null : reject('invalid_amount', `unknown currency ${currency}`);
}

function draft(
  kind: EntryKind,
  ids: { merchantId: string | null; paymentId: string | null; aggregateId: string },
  occurredAt: Date,
  postings: Posting[],
  details: EntryDetails,
): JournalEntryDraft {
  const merged = mergePostings(postings);
  assertBalanced(merged);
  return { kind, ...ids, occurredAt, postings: merged, details, reversesEntryId: null };
}

function holdRelease(position: PaymentPosition, amountMinor: bigint): Posting[] {
  if (amountMinor === 0n) return [];
  return [
    { account: accounts.merchantHold(position.merchantId, position.currency), amountMinor },
    {
      account: accounts.authorizationPending(position.processor, position.currency),
      amountMinor: -amountMinor,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// payment.authorized → authorization_hold: +authorization_pending (the processor's promise),
// −merchant_hold (what the merchant will be owed once captured). Memo accounts: they net to zero
// once the hold is captured or released.

export interface AuthorizationFacts extends Common {
  readonly merchantId: string;
  readonly paymentId: string;
  readonly processor: string;
  readonly paymentMethodType: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export function postAuthorization(
  position: PaymentPosition | null,
  facts: AuthorizationFacts,
): Decision<PaymentPosition> {
  const invalid = validCurrency(facts.currency) ?? validAmount(facts.amountMinor, 'an authorization');
  if (invalid) return invalid;
  if (position !== null && position.holdStatus !== 'none') {
    return reject('hold_already_resolved', `payment ${facts.paymentId} already has a hold`);
  }
  const next: PaymentPosition = {
    paymentId: facts.paymentId,
    merchantId: facts.merchantId,
    processor: facts.processor,
    paymentMethodType: facts.paymentMethodType,
    currency: facts.currency,
    authorizedMinor: facts.amountMinor,
    holdOpenMinor: facts.amountMinor,
    holdStatus: 'open',
    capturedMinor: position?.capturedMinor ?? 0n,
    refundedMinor: position?.refundedMinor ?? 0n,
    merchantCurrency: position?.merchantCurrency ?? facts.currency,
    merchantCapturedMinor: position?.merchantCapturedMinor ?? 0n,
    merchantRefundedMinor: position?.merchantRefundedMinor ?? 0n,
  };
  const entry = draft(
    'authorization_hold',
    { merchantId: facts.merchantId, paymentId: facts.paymentId, aggregateId: facts.paymentId },
    facts.occurredAt,
    [
      {
        account: accounts.authorizationPending(facts.processor, facts.currency),
        amountMinor: facts.amountMinor,
      },
      { account: accounts.merchantHold(facts.merchantId, facts.currency), amountMinor: -facts.amountMinor },
    ],
    {},
  );
  return {
    outcome: 'post',
    entry,
    state: next,
    guards: [],
    context: {
      currency: facts.currency,
      grossAmountMinor: facts.amountMinor,
      feeAmountMinor: 0n,
      processor: facts.processor,
      paymentMethodType: facts.paymentMethodType,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// payment.captured → capture: releases the captured part of the hold (all of what is left when
// final), then +processor_receivable gross, −merchant_pending net, −fee_revenue fee. With fx the
// receivable is in the presentment currency and the merchant's side in the settlement currency,
// each leg balanced through fx_position. 100.00 USD with a 3.20 fee: +10000 receivable,
// −9680 merchant pending, −320 fee revenue.

export interface CaptureFacts extends Common {
  readonly merchantId: string;
  readonly paymentId: string;
  readonly captureId: string;
  readonly final: boolean;
  readonly processor: string;
  readonly paymentMethodType: string;
  readonly currency: string;
  readonly grossAmountMinor: bigint;
  readonly fx: FxFacts | null;
  /** The merchant's pricing in the merchant currency (fx settlement currency when fx). */
  readonly pricing: Pricing;
}

export interface CaptureState {
  readonly position: PaymentPosition;
  readonly capture: CaptureRecord;
}

export function postCapture(
  position: PaymentPosition | null,
  existingCapture: CaptureRecord | null,
  facts: CaptureFacts,
): Decision<CaptureState> {
  const { currency, grossAmountMinor, fx } = facts;
  const invalid = validCurrency(currency) ?? validAmount(grossAmountMinor, 'a capture');
  if (invalid) return invalid;
  if (existingCapture !== null)
    return reject('invalid_amount', `capture ${facts.captureId} was already posted`);
  if (fx !== null) {
    const fxInvalid =
      validCurrency(fx.settlementCurrency) ??
      validAmount(fx.settlementAmountMinor, 'an fx settlement amount');
    if (fxInvalid) return fxInvalid;
    if (fx.settlementCurrency === currency) {
      return reject('invalid_amount', `fx converts ${currency} into itself`);
    }
  }
  const merchantCurrency = fx?.settlementCurrency ?? currency;
  const merchantGrossMinor = fx?.settlementAmountMinor ?? grossAmountMinor;
  if (position !== null) {
    if (position.holdStatus === 'resolved') {
      return reject('hold_already_resolved', `the hold of ${facts.paymentId} is already resolved`);
    }
    if (position.currency !== currency) {
      return reject('invalid_amount', `capture in ${currency} of a ${position.currency} payment`);
    }
    if (position.holdStatus === 'open' && grossAmountMinor > position.holdOpenMinor) {
      return reject(
        'invalid_amount',
        `capture of ${grossAmountMinor} exceeds the open hold of ${position.holdOpenMinor}`,
      );
    }
    if (position.capturedMinor > 0n && position.merchantCurrency !== merchantCurrency) {
      return reject(
        'invalid_amount',
        `captures of ${facts.paymentId} settle in ${position.merchantCurrency}`,
      );
    }
  }
  const base: PaymentPosition = position ?? {
    paymentId: facts.paymentId,
    merchantId: facts.merchantId,
    processor: facts.processor,
    paymentMethodType: facts.paymentMethodType,
    currency,
    authorizedMinor: 0n,
    holdOpenMinor: 0n,
    holdStatus: 'none',
    capturedMinor: 0n,
    refundedMinor: 0n,
    merchantCurrency,
    merchantCapturedMinor: 0n,
    merchantRefundedMinor: 0n,
  };
  const releasedMinor =
    base.holdStatus === 'open' ? (facts.final ? base.holdOpenMinor : grossAmountMinor) : 0n;
  const holdOpenMinor = base.holdOpenMinor - releasedMinor;

  const feeAmountMinor = feeFor(merchantGrossMinor, facts.pricing);
  const netMinor = merchantGrossMinor - feeAmountMinor;
  const postings: Posting[] = [
    ...holdRelease(base, releasedMinor),
    { account: accounts.processorReceivable(facts.processor, currency), amountMinor: grossAmountMinor },
  ];
  if (fx !== null) {
    postings.push(
      { account: accounts.fxPosition(currency), amountMinor: -grossAmountMinor },
      { account: accounts.fxPosition(merchantCurrency), amountMinor: merchantGrossMinor },
    );
  }
  postings.push(
    { account: accounts.merchantPending(facts.merchantId, merchantCurrency), amountMinor: -netMinor },
    { account: accounts.feeRevenue(merchantCurrency), amountMinor: -feeAmountMinor },
  );
  const details: Record<string, string> = { captureId: facts.captureId, final: String(facts.final) };
  if (fx !== null) {
    Object.assign(details, {
      fxRate: fx.rate,
      fxRateVersion: fx.rateVersion,
      fxSettlementCurrency: fx.settlementCurrency,
      fxSettlementAmountMinor: fx.settlementAmountMinor.toString(),
    });
  }
  const entry = draft(
    'capture',
    { merchantId: facts.merchantId, paymentId: facts.paymentId, aggregateId: facts.paymentId },
    facts.occurredAt,
    postings,
    details,
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: {
      position: {
        ...base,
        holdOpenMinor,
        holdStatus: base.holdStatus === 'open' && holdOpenMinor === 0n ? 'resolved' : base.holdStatus,
        capturedMinor: base.capturedMinor + grossAmountMinor,
        merchantCurrency,
        merchantCapturedMinor: base.merchantCapturedMinor + merchantGrossMinor,
      },
      capture: {
        captureId: facts.captureId,
        paymentId: facts.paymentId,
        merchantId: facts.merchantId,
        processor: facts.processor,
        currency,
        grossMinor: grossAmountMinor,
        merchantCurrency,
        netMinor,
        settlementId: null,
      },
    },
    context: {
      currency,
      grossAmountMinor,
      feeAmountMinor,
      processor: facts.processor,
      paymentMethodType: facts.paymentMethodType,
      ...(fx === null ? {} : { fx }),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// payment.canceled (a cancel or an expiry) → hold_release of whatever the hold still holds.

export interface CancelFacts extends Common {
  readonly paymentId: string;
  readonly reason: string;
  readonly releasedAmountMinor: bigint;
}

export function postCancel(position: PaymentPosition | null, facts: CancelFacts): Decision<PaymentPosition> {
  if (position === null || position.holdStatus === 'none') {
    return reject('unknown_hold', `payment ${facts.paymentId} has no hold`);
  }
  if (position.holdStatus === 'resolved') {
    return reject('hold_already_resolved', `the hold of ${facts.paymentId} is already resolved`);
  }
  const entry = draft(
    'hold_release',
    { merchantId: position.merchantId, paymentId: position.paymentId, aggregateId: position.paymentId },
    facts.occurredAt,
    holdRelease(position, position.holdOpenMinor),
    { reason: facts.reason, reportedReleasedAmountMinor: facts.releasedAmountMinor.toString() },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: { ...position, holdOpenMinor: 0n, holdStatus: 'resolved' },
    context: {
      currency: position.currency,
      grossAmountMinor: position.holdOpenMinor,
      feeAmountMinor: 0n,
      processor: position.processor,
      ...(position.paymentMethodType === null ? {} : { paymentMethodType: position.paymentMethodType }),
    },
  };
}

/**
 * An amount of the presentment currency in the merchant currency, at the payment's own captured
 * ratio; `remaining` pairs make the last part exact so the totals match to the minor unit.
 */
function toMerchantAmount(
  position: PaymentPosition,
  amountMinor: bigint,
  presentmentRemainingMinor: bigint,
  merchantRemainingMinor: bigint,
): bigint {
  if (position.merchantCurrency === position.currency) return amountMinor;
  if (amountMinor === presentmentRemainingMinor) return merchantRemainingMinor;
  const numerator = amountMinor * position.merchantCapturedMinor;
  return (2n * numerator + position.capturedMinor) / (2n * position.capturedMinor);
}

/** Money back from the merchant side (merchant currency) to the processor side (presentment). */
function merchantToProcessor(
  position: PaymentPosition,
  merchantDebit: (typeof accounts)['merchantAvailable'],
  amountMinor: bigint,
  merchantAmountMinor: bigint,
): Posting[] {
  const postings: Posting[] = [
    {
      account: merchantDebit(position.merchantId, position.merchantCurrency),
      amountMinor: merchantAmountMinor,
    },
    {
      account: accounts.processorReceivable(position.processor, position.currency),
      amountMinor: -amountMinor,
    },
  ];
  if (position.merchantCurrency !== position.currency) {
    postings.push(
      { account: accounts.fxPosition(position.merchantCurrency), amountMinor: -merchantAmountMinor },
      { account: accounts.fxPosition(position.currency), amountMinor },
    );
  }
  return postings;
}

// ---------------------------------------------------------------------------------------------
// refund.succeeded → refund: the processor nets it out of its next settlement (−receivable), the
// merchant bears it from its available balance (+merchant_available; it may go negative, which
// blocks payouts until covered). The fee is kept. Never more in total than was captured.

export interface RefundFacts extends Common {
  readonly refundId: string;
  readonly paymentId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export interface RefundState {
  readonly position: PaymentPosition;
  /** What the processor will deduct from a settlement, until one does. */
  readonly refund: RefundRecord;
}

export function postRefund(
  position: PaymentPosition | null,
  existingRefund: RefundRecord | null,
  facts: RefundFacts,
): Decision<RefundState> {
  const invalid = validAmount(facts.amountMinor, 'a refund');
  if (invalid) return invalid;
  if (existingRefund !== null) return reject('invalid_amount', `refund ${facts.refundId} was already posted`);
  if (position === null || position.capturedMinor === 0n) {
    return reject('refund_exceeds_captured', `payment ${facts.paymentId} has nothing captured`);
  }
  if (facts.currency !== position.currency) {
    return reject('invalid_amount', `refund in ${facts.currency} of a ${position.currency} payment`);
  }
  const remainingMinor = position.capturedMinor - position.refundedMinor;
  if (facts.amountMinor > remainingMinor) {
    return reject(
      'refund_exceeds_captured',
      `refund of ${facts.amountMinor} exceeds the ${remainingMinor} still refundable of ${facts.paymentId}`,
    );
  }
  const merchantAmountMinor = toMerchantAmount(
    position,
    facts.amountMinor,
    remainingMinor,
    position.merchantCapturedMinor - position.merchantRefundedMinor,
  );
  const entry = draft(
    'refund',
    { merchantId: position.merchantId, paymentId: position.paymentId, aggregateId: position.paymentId },
    facts.occurredAt,
    merchantToProcessor(position, accounts.merchantAvailable, facts.amountMinor, merchantAmountMinor),
    { refundId: facts.refundId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: {
      position: {
        ...position,
        refundedMinor: position.refundedMinor + facts.amountMinor,
        merchantRefundedMinor: position.merchantRefundedMinor + merchantAmountMinor,
      },
      refund: {
        refundId: facts.refundId,
        paymentId: position.paymentId,
        merchantId: position.merchantId,
        processor: position.processor,
        currency: position.currency,
        amountMinor: facts.amountMinor,
        settlementId: null,
      },
    },
    context: {
      currency: position.currency,
      grossAmountMinor: facts.amountMinor,
      feeAmountMinor: 0n,
      processor: position.processor,
      ...(position.paymentMethodType === null ? {} : { paymentMethodType: position.paymentMethodType }),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// settlement.reported → settlement: the processor pays the platform bank what it owes for the
// listed captures, less the listed refunds and lost chargebacks it deducted and its fee:
// +platform_bank net, +processor_fees fee, −processor_receivable (gross − refunded − chargebacks).
// Refunds and lost disputes took the receivable down when they were booked, so once everything
// has settled the receivable is zero. A net below zero (more deducted than captured that day) is
// the processor debiting the bank: platform_bank is credited. Each listed capture's net moves from
// the merchant's pending to its available balance. Every item settles once, and the totals must
// be the sums of what the ledger booked for the items.

export interface SettlementFacts extends Common {
  readonly settlementId: string;
  readonly processor: string;
  readonly currency: string;
  readonly settlementDate: string;
  readonly grossAmountMinor: bigint;
  readonly refundedAmountMinor: bigint;
  readonly chargebackAmountMinor: bigint;
  readonly processorFeeAmountMinor: bigint;
  readonly netAmountMinor: bigint;
  readonly captureIds: readonly string[];
  readonly refundIds: readonly string[];
  readonly disputeIds: readonly string[];
}

/** The records of the items a settlement lists, as the ledger knows them; unknown ids are absent. */
export interface SettlementItems {
  readonly captures: ReadonlyMap<string, CaptureRecord>;
  readonly refunds: ReadonlyMap<string, RefundRecord>;
  readonly disputes: ReadonlyMap<string, DisputeRecord>;
}

/** The listed records, stamped with the settlement. */
export interface SettledItems {
  readonly captures: readonly CaptureRecord[];
  readonly refunds: readonly RefundRecord[];
  readonly disputes: readonly DisputeRecord[];
}

interface Settleable {
  readonly processor: string;
  readonly currency: string;
  readonly settlementId: string | null;
}

function validTotal(amountMinor: bigint, what: string): Rejection | null {
  if (amountMinor < 0n) return reject('invalid_amount', `${what} must not be negative, got ${amountMinor}`);
  if (amountMinor > AMOUNT_MINOR_MAX) return reject('invalid_amount', `${what} too large: ${amountMinor}`);
  return null;
}

/** Null when the item can be settled by this settlement, else why not. */
function unsettleable(what: string, item: Settleable, facts: SettlementFacts): Rejection | null {
  if (item.processor !== facts.processor || item.currency !== facts.currency) {
    return reject(
      'settlement_item_mismatch',
      `${what} is ${item.processor} ${item.currency}, not ${facts.processor} ${facts.currency}`,
    );
  }
  if (item.settlementId !== null) {
    return reject('already_settled', `${what} was already settled by ${item.settlementId}`);
  }
  return null;
}

/** The listed records stamped with the settlement, or why one of them cannot be settled by it. */
function claimForSettlement<T extends Settleable>(
  kind: 'capture' | 'refund' | 'dispute',
  ids: readonly string[],
  records: ReadonlyMap<string, T>,
  facts: SettlementFacts,
  refuse: (record: T) => Rejection | null = () => null,
): T[] | Rejection {
  const claimed: T[] = [];
  for (const id of ids) {
    const record = records.get(id);
    if (record === undefined)
      return reject('unknown_settlement_item', `${kind} ${id} is unknown to the ledger`);
    const refused = unsettleable(`${kind} ${id}`, record, facts) ?? refuse(record);
    if (refused) return refused;
    claimed.push({ ...record, settlementId: facts.settlementId });
  }
  return claimed;
}

function totalMismatch(what: string, reported: bigint, booked: bigint): Rejection | null {
  return reported === booked
    ? null
    : reject('settlement_totals_mismatch', `${what} ${reported} is not the ${booked} the ledger booked`);
}

export function postSettlement(items: SettlementItems, facts: SettlementFacts): Decision<SettledItems> {
  const invalid =
    validCurrency(facts.currency) ??
    validTotal(facts.grossAmountMinor, 'a settlement gross') ??
    validTotal(facts.refundedAmountMinor, 'a settlement refunded amount') ??
    validTotal(facts.chargebackAmountMinor, 'a settlement chargeback amount') ??
    validTotal(facts.processorFeeAmountMinor, 'a settlement processor fee');
  if (invalid) return invalid;
  const listed = [...facts.captureIds, ...facts.refundIds, ...facts.disputeIds];
  if (listed.length === 0) return reject('invalid_amount', 'a settlement lists nothing');
  if (new Set(listed).size !== listed.length) return reject('invalid_amount', 'an item is listed twice');
  const receivableMinor = facts.grossAmountMinor - facts.refundedAmountMinor - facts.chargebackAmountMinor;
  if (facts.netAmountMinor !== receivableMinor - facts.processorFeeAmountMinor) {
    return reject(
      'settlement_totals_mismatch',
      'settlement net is not its gross less refunds, chargebacks and the processor fee',
    );
  }

  const captures = claimForSettlement('capture', facts.captureIds, items.captures, facts);
  if (!Array.isArray(captures)) return captures;
  const refunds = claimForSettlement('refund', facts.refundIds, items.refunds, facts);
  if (!Array.isArray(refunds)) return refunds;
  const disputes = claimForSettlement('dispute', facts.disputeIds, items.disputes, facts, (dispute) =>
    dispute.status === 'lost'
      ? null
      : reject(
          'dispute_not_lost',
          `dispute ${dispute.disputeId} is ${dispute.status}: nothing was charged back`,
        ),
  );
  if (!Array.isArray(disputes)) return disputes;
  const mismatch =
    totalMismatch(
      'settlement gross',
      facts.grossAmountMinor,
      sumOf(captures, (c) => c.grossMinor),
    ) ??
    totalMismatch(
      'settlement refunded',
      facts.refundedAmountMinor,
      sumOf(refunds, (r) => r.amountMinor),
    ) ??
    totalMismatch(
      'settlement chargebacks',
      facts.chargebackAmountMinor,
      sumOf(disputes, (d) => d.amountMinor),
    );
  if (mismatch) return mismatch;

  const postings: Posting[] = [
    { account: accounts.platformBank(facts.currency), amountMinor: facts.netAmountMinor },
    { account: accounts.processorFees(facts.currency), amountMinor: facts.processorFeeAmountMinor },
    {
      account: accounts.processorReceivable(facts.processor, facts.currency),
      amountMinor: -receivableMinor,
    },
  ];
  for (const capture of captures) {
    postings.push(
      {
        account: accounts.merchantPending(capture.merchantId, capture.merchantCurrency),
        amountMinor: capture.netMinor,
      },
      {
        account: accounts.merchantAvailable(capture.merchantId, capture.merchantCurrency),
        amountMinor: -capture.netMinor,
      },
    );
  }
  const entry = draft(
    'settlement',
    { merchantId: null, paymentId: null, aggregateId: facts.settlementId },
    facts.occurredAt,
    postings,
    {
      settlementId: facts.settlementId,
      settlementDate: facts.settlementDate,
      captures: String(captures.length),
      refunds: String(refunds.length),
      chargebacks: String(disputes.length),
      refundedAmountMinor: facts.refundedAmountMinor.toString(),
      chargebackAmountMinor: facts.chargebackAmountMinor.toString(),
    },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: { captures, refunds, disputes },
    context: {
      currency: facts.currency,
      grossAmountMinor: facts.grossAmountMinor,
      feeAmountMinor: facts.processorFeeAmountMinor,
      processor: facts.processor,
    },
  };
}

function sumOf<T>(rows: readonly T[], amountOf: (row: T) => bigint): bigint {
  return rows.reduce((sum, row) => sum + amountOf(row), 0n);
}

// ---------------------------------------------------------------------------------------------
// Payouts: payout.requested reserves from available (+merchant_available, −payouts_in_flight),
// refused when available would go below zero (the guard is checked under the account's row lock);
// payout.paid sends it from the bank; payout.failed puts it back.

export interface PayoutFacts extends Common {
  readonly payoutId: string;
  readonly merchantId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export function postPayoutRequested(
  existing: PayoutRecord | null,
  facts: PayoutFacts,
): Decision<PayoutRecord> {
  const invalid = validCurrency(facts.currency) ?? validAmount(facts.amountMinor, 'a payout');
  if (invalid) return invalid;
  if (existing !== null) return reject('invalid_amount', `payout ${facts.payoutId} was already requested`);
  const available = accounts.merchantAvailable(facts.merchantId, facts.currency);
  const entry = draft(
    'payout',
    { merchantId: facts.merchantId, paymentId: null, aggregateId: facts.merchantId },
    facts.occurredAt,
    [
      { account: available, amountMinor: facts.amountMinor },
      {
        account: accounts.payoutsInFlight(facts.merchantId, facts.currency),
        amountMinor: -facts.amountMinor,
      },
    ],
    { payoutId: facts.payoutId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [{ accountCode: available.code }],
    state: { ...facts, status: 'reserved' },
    context: { currency: facts.currency, grossAmountMinor: facts.amountMinor, feeAmountMinor: 0n },
  };
}

export function postPayoutOutcome(
  existing: PayoutRecord | null,
  facts: PayoutFacts & { readonly outcome: 'paid' | 'failed' },
): Decision<PayoutRecord> {
  if (existing === null) {
    if (facts.outcome === 'failed') {
      return {
        outcome: 'ignore',
        message: `payout ${facts.payoutId} was never reserved: nothing to reverse`,
      };
    }
    return reject('unknown_hold', `payout ${facts.payoutId} was never reserved`);
  }
  if (existing.status !== 'reserved') {
    return reject('hold_already_resolved', `payout ${facts.payoutId} is already ${existing.status}`);
  }
  if (existing.amountMinor !== facts.amountMinor || existing.currency !== facts.currency) {
    return reject(
      'invalid_amount',
      `payout ${facts.payoutId} was reserved as ${existing.amountMinor} ${existing.currency}`,
    );
  }
  const inFlight = accounts.payoutsInFlight(existing.merchantId, existing.currency);
  const destination =
    facts.outcome === 'paid'
      ? accounts.platformBank(existing.currency)
      : accounts.merchantAvailable(existing.merchantId, existing.currency);
  const entry = draft(
    facts.outcome === 'paid' ? 'payout_paid' : 'payout_failed',
    { merchantId: existing.merchantId, paymentId: null, aggregateId: existing.merchantId },
    facts.occurredAt,
    [
      { account: inFlight, amountMinor: existing.amountMinor },
      { account: destination, amountMinor: -existing.amountMinor },
    ],
    { payoutId: existing.payoutId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: { ...existing, status: facts.outcome },
    context: { currency: existing.currency, grossAmountMinor: existing.amountMinor, feeAmountMinor: 0n },
  };
}

// ---------------------------------------------------------------------------------------------
// Disputes: dispute.opened holds the disputed amount from the merchant's available balance
// (+merchant_available, −chargebacks_in_flight); won gives it back, lost pays it to the processor.

export interface DisputeFacts extends Common {
  readonly disputeId: string;
  readonly paymentId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export function postDisputeOpened(
  position: PaymentPosition | null,
  existing: DisputeRecord | null,
  facts: DisputeFacts,
): Decision<DisputeRecord> {
  const invalid = validAmount(facts.amountMinor, 'a dispute');
  if (invalid) return invalid;
  if (existing !== null) return reject('invalid_amount', `dispute ${facts.disputeId} was already opened`);
  if (position === null || position.capturedMinor === 0n) {
    return reject('unknown_hold', `payment ${facts.paymentId} has nothing captured to dispute`);
  }
  if (facts.currency !== position.currency || facts.amountMinor > position.capturedMinor) {
    return reject(
      'invalid_amount',
      `dispute of ${facts.amountMinor} ${facts.currency} on ${facts.paymentId}`,
    );
  }
  const merchantAmountMinor = toMerchantAmount(
    position,
    facts.amountMinor,
    position.capturedMinor,
    position.merchantCapturedMinor,
  );
  const entry = draft(
    'dispute_hold',
    { merchantId: position.merchantId, paymentId: position.paymentId, aggregateId: position.paymentId },
    facts.occurredAt,
    [
      {
        account: accounts.merchantAvailable(position.merchantId, position.merchantCurrency),
        amountMinor: merchantAmountMinor,
      },
      {
        account: accounts.chargebacksInFlight(position.merchantId, position.merchantCurrency),
        amountMinor: -merchantAmountMinor,
      },
    ],
    { disputeId: facts.disputeId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: {
      disputeId: facts.disputeId,
      paymentId: position.paymentId,
      merchantId: position.merchantId,
      processor: position.processor,
      currency: position.currency,
      amountMinor: facts.amountMinor,
      merchantCurrency: position.merchantCurrency,
      merchantAmountMinor,
      status: 'open',
      settlementId: null,
    },
    context: {
      currency: position.currency,
      grossAmountMinor: facts.amountMinor,
      feeAmountMinor: 0n,
      processor: position.processor,
    },
  };
}

export function postDisputeClosed(
  position: PaymentPosition | null,
  existing: DisputeRecord | null,
  facts: DisputeFacts & { readonly outcome: 'won' | 'lost' },
): Decision<DisputeRecord> {
  if (existing === null || position === null) {
    return reject('unknown_hold', `dispute ${facts.disputeId} was never opened`);
  }
  if (existing.status !== 'open') {
    return reject('hold_already_resolved', `dispute ${facts.disputeId} is already ${existing.status}`);
  }
  const postings: Posting[] =
    facts.outcome === 'won'
      ? [
          {
            account: accounts.chargebacksInFlight(existing.merchantId, existing.merchantCurrency),
            amountMinor: existing.merchantAmountMinor,
          },
          {
            account: accounts.merchantAvailable(existing.merchantId, existing.merchantCurrency),
            amountMinor: -existing.merchantAmountMinor,
          },
        ]
      : merchantToProcessor(
          position,
          accounts.chargebacksInFlight,
          existing.amountMinor,
          existing.merchantAmountMinor,
        );
  const entry = draft(
    facts.outcome === 'won' ? 'dispute_won' : 'dispute_lost',
    { merchantId: existing.merchantId, paymentId: existing.paymentId, aggregateId: existing.paymentId },
    facts.occurredAt,
    postings,
    { disputeId: existing.disputeId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: { ...existing, status: facts.outcome },
    context: {
      currency: existing.currency,
      grossAmountMinor: existing.amountMinor,
      feeAmountMinor: 0n,
      processor: existing.processor,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Corrections: a reversal posts the original's postings negated and names the original.

export interface ReversibleEntry {
  readonly id: string;
  readonly kind: string;
  readonly merchantId: string | null;
  readonly paymentId: string | null;
  readonly aggregateId: string;
  readonly postings: readonly Posting[];
}

export function postReversal(original: ReversibleEntry, occurredAt: Date, reason: string): JournalEntryDraft {
  const entry = draft(
    'reversal',
    { merchantId: original.merchantId, paymentId: original.paymentId, aggregateId: original.aggregateId },
    occurredAt,
    original.postings.map((p) => ({ account: p.account, amountMinor: -p.amountMinor })),
    { reason, reversedKind: original.kind },
  );
  return { ...entry, reversesEntryId: original.id };
}
