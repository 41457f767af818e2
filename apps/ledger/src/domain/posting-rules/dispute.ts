/**
 * Disputes: dispute.opened holds the disputed amount from the merchant's available balance
 * (+merchant_available, −chargebacks_in_flight); won gives it back, lost pays it to the processor.
 */
import { accounts } from '../chart-of-accounts';
import type { Posting } from '../journal-entry';
import type { DisputeRecord, PaymentPosition } from '../ledger-state';
import { reject, type Common, type Decision } from './decision';
import { draft, merchantToProcessor, toMerchantAmount, validAmount } from './postings';

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
