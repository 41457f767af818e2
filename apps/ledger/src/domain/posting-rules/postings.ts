/** Building blocks the posting rules share: amount checks, drafts, hold releases, cross-currency legs. */
import { AMOUNT_MINOR_MAX, isKnownCurrency } from '@platform/money';
import { accounts } from '../chart-of-accounts';
import {
  assertBalanced,
  mergePostings,
  type EntryDetails,
  type EntryKind,
  type JournalEntryDraft,
  type Posting,
} from '../journal-entry';
import type { PaymentPosition } from '../ledger-state';
import { reject, type Rejection } from './decision';

export function validAmount(amountMinor: bigint, what: string): Rejection | null {
  if (amountMinor <= 0n) return reject('invalid_amount', `${what} must be positive, got ${amountMinor}`);
  if (amountMinor > AMOUNT_MINOR_MAX) return reject('invalid_amount', `${what} too large: ${amountMinor}`);
  return null;
}

export function validCurrency(currency: string): Rejection | null {
  return isKnownCurrency(currency) ? null : reject('invalid_amount', `unknown currency ${currency}`);
}

export function draft(
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

export function holdRelease(position: PaymentPosition, amountMinor: bigint): Posting[] {
  if (amountMinor === 0n) return [];
  return [
    { account: accounts.merchantHold(position.merchantId, position.currency), amountMinor },
    {
      account: accounts.authorizationPending(position.processor, position.currency),
      amountMinor: -amountMinor,
    },
  ];
}

/**
 * An amount of the presentment currency in the merchant currency, at the payment's own captured
 * ratio; `remaining` pairs make the last part exact so the totals match to the minor unit.
 */
export function toMerchantAmount(
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
export function merchantToProcessor(
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
