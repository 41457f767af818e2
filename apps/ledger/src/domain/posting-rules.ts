import { AMOUNT_MINOR_MAX, isKnownCurrency } from '@platform/money';
import { accounts } from './chart-of-accounts';
import { assertBalanced, type JournalEntryDraft, type Posting } from './journal-entry';
import { LedgerRuleError } from './ledger-error';
import { feeFor, type Pricing } from './pricing';

export interface CaptureFacts {
  readonly merchantId: string;
  readonly paymentId: string;
  readonly processor: string;
  readonly currency: string;
  readonly grossAmountMinor: bigint;
  readonly pricing: Pricing;
  readonly occurredAt: Date;
}

export interface PostedCapture {
  readonly entry: JournalEntryDraft;
  readonly feeAmountMinor: bigint;
}

/**
 * A capture: the processor owes us the gross, we owe the merchant the gross less our fee, and the
 * fee is our revenue. 100.00 captured with a 3.20 fee: +10000 receivable, −9680 merchant pending,
 * −320 fee revenue. A zero fee posts no fee line; a fee equal to the gross posts no merchant line.
 */
export function postCapture(facts: CaptureFacts): PostedCapture {
  const { currency, grossAmountMinor } = facts;
  if (!isKnownCurrency(currency)) throw new LedgerRuleError(`unknown currency ${JSON.stringify(currency)}`);
  if (grossAmountMinor <= 0n)
    throw new LedgerRuleError(`a capture must be positive, got ${grossAmountMinor}`);
  if (grossAmountMinor > AMOUNT_MINOR_MAX)
    throw new LedgerRuleError(`capture too large: ${grossAmountMinor}`);
  const feeAmountMinor = feeFor(grossAmountMinor, facts.pricing);
  const netAmountMinor = grossAmountMinor - feeAmountMinor;
  const postings: Posting[] = [
    { account: accounts.processorReceivable(facts.processor, currency), amountMinor: grossAmountMinor },
  ];
  if (netAmountMinor > 0n) {
    postings.push({
      account: accounts.merchantPending(facts.merchantId, currency),
      amountMinor: -netAmountMinor,
    });
  }
  if (feeAmountMinor > 0n) {
    postings.push({ account: accounts.feeRevenue(currency), amountMinor: -feeAmountMinor });
  }
  assertBalanced(postings);
  return {
    entry: {
      kind: 'capture',
      merchantId: facts.merchantId,
      paymentId: facts.paymentId,
      occurredAt: facts.occurredAt,
      postings,
    },
    feeAmountMinor,
  };
}
