/**
 * Payouts: payout.requested reserves from available (+merchant_available, −payouts_in_flight),
 * refused when available would go below zero (the guard is checked under the account's row lock);
 * payout.paid sends it from the bank; payout.failed puts it back.
 */
import { accounts } from '../chart-of-accounts';
import type { PayoutRecord } from '../ledger-state';
import { reject, type Common, type Decision } from './decision';
import { draft, validAmount, validCurrency } from './postings';

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
