/**
 * settlement.reported → settlement: the processor pays the platform bank what it owes for the
 * listed captures, less the listed refunds and lost chargebacks it deducted and its fee:
 * +platform_bank net, +processor_fees fee, −processor_receivable (gross − refunded − chargebacks).
 * Refunds and lost disputes took the receivable down when they were booked, so once everything
 * has settled the receivable is zero. A net below zero (more deducted than captured that day) is
 * the processor debiting the bank: platform_bank is credited. Each listed capture's net moves from
 * the merchant's pending to its available balance. Every item settles once, and the totals must
 * be the sums of what the ledger booked for the items.
 */
import { AMOUNT_MINOR_MAX } from '@platform/money';
import { accounts } from '../chart-of-accounts';
import type { Posting } from '../journal-entry';
import type { CaptureRecord, DisputeRecord, RefundRecord } from '../ledger-state';
import { reject, type Common, type Decision, type Rejection } from './decision';
import { draft, validCurrency } from './postings';

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
