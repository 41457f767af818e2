/**
 * payment.captured → capture: releases the captured part of the hold (all of what is left when
 * final), then +processor_receivable gross, −merchant_pending net, −fee_revenue fee. With fx the
 * receivable is in the presentment currency and the merchant's side in the settlement currency,
 * each leg balanced through fx_position. 100.00 USD with a 3.20 fee: +10000 receivable,
 * −9680 merchant pending, −320 fee revenue.
 */
import { accounts } from '../chart-of-accounts';
import type { Posting } from '../journal-entry';
import type { CaptureRecord, PaymentPosition } from '../ledger-state';
import { feeFor, type Pricing } from '../pricing';
import { reject, type Common, type Decision, type FxFacts } from './decision';
import { draft, holdRelease, validAmount, validCurrency } from './postings';

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
