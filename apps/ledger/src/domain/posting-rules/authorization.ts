/**
 * payment.authorized → authorization_hold: +authorization_pending (the processor's promise),
 * −merchant_hold (what the merchant will be owed once captured). Memo accounts: they net to zero
 * once the hold is captured or released.
 */
import { accounts } from '../chart-of-accounts';
import type { PaymentPosition } from '../ledger-state';
import { reject, type Common, type Decision } from './decision';
import { draft, validAmount, validCurrency } from './postings';

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
