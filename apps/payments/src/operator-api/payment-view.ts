import type { PaymentEventEntity } from '../payment-lifecycle/payment-event.entity';
import type { PendingAction } from '../domain/payment';
import type { PaymentEntity, StoredPaymentMethod } from '../payment-lifecycle/payment.entity';

/** What operators see of a payment: Stripe-like, snake_case, amounts as integers of minor units. */
export interface PaymentView {
  readonly id: string;
  readonly object: 'payment';
  readonly merchant_id: string;
  readonly amount: number;
  readonly amount_captured: number;
  readonly amount_refunded: number;
  /** What the customer must do next (3-D Secure, a QR code, a bank transfer), while it requires_action. */
  readonly next_action: {
    readonly type: string;
    readonly challenge_id?: string;
    readonly qr_payload?: string;
    readonly virtual_account_reference?: string;
    readonly expires_at: string;
  } | null;
  readonly dispute: { readonly id: string; readonly amount: number; readonly status: string } | null;
  readonly currency: string;
  readonly capture_method: string;
  readonly status: string;
  readonly payment_method:
    | {
        readonly type: 'card';
        readonly card: {
          readonly brand: string;
          readonly bin: string;
          readonly last4: string;
          readonly exp_month: number;
          readonly exp_year: number;
          readonly fingerprint: string;
        };
      }
    | { readonly type: 'bank_transfer'; readonly bank_transfer: { readonly country: string } }
    | { readonly type: 'wallet'; readonly wallet: { readonly provider: string } };
  readonly settlement_currency: string | null;
  /** The conversion into the settlement currency, fixed at create. */
  readonly fx: {
    readonly settlement_currency: string;
    readonly settlement_amount: number;
    readonly rate: string;
    readonly rate_version: string;
  } | null;
  /** The risk decision applied, 'unscreened' after a risk timeout, null while it waits. */
  readonly risk_screening: string | null;
  readonly customer: { readonly id?: string; readonly email?: string; readonly country?: string } | null;
  readonly processor: string | null;
  readonly processor_reference: string | null;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly version: number;
  readonly created: number;
  readonly updated: number;
  readonly events: readonly { id: string; sequence: number; type: string; occurred_at: string }[];
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Amounts fit a JSON number: the platform's maximum (AMOUNT_MINOR_MAX, < 2^53) is exact in a double.
 * The vault token and the customer's IP stay out of the view.
 */
function nextActionView(action: PendingAction): NonNullable<PaymentView['next_action']> {
  switch (action.type) {
    case 'three_d_secure':
      return { type: action.type, challenge_id: action.challengeId, expires_at: action.expiresAt };
    case 'qr_code':
      return { type: action.type, qr_payload: action.qrPayload, expires_at: action.expiresAt };
    case 'bank_transfer':
      return {
        type: action.type,
        virtual_account_reference: action.virtualAccountReference,
        expires_at: action.expiresAt,
      };
  }
}

function paymentMethodView(method: StoredPaymentMethod): PaymentView['payment_method'] {
  switch (method.type) {
    case 'card': {
      const { card } = method;
      return {
        type: 'card',
        card: {
          brand: card.brand,
          bin: card.bin,
          last4: card.last4,
          exp_month: card.expMonth,
          exp_year: card.expYear,
          fingerprint: card.fingerprint,
        },
      };
    }
    case 'bank_transfer':
      return { type: 'bank_transfer', bank_transfer: { country: method.bankTransfer.country } };
    case 'wallet':
      return { type: 'wallet', wallet: { provider: method.wallet.provider } };
  }
}

export function toPaymentView(row: PaymentEntity, events: readonly PaymentEventEntity[]): PaymentView {
  return {
    id: row.id,
    object: 'payment',
    merchant_id: row.merchantId,
    amount: Number(BigInt(row.amountMinor)),
    amount_captured: Number(BigInt(row.amountCapturedMinor)),
    amount_refunded: Number(BigInt(row.amountRefundedMinor ?? '0')),
    next_action:
      row.pendingAction === null || row.pendingAction === undefined
        ? null
        : nextActionView(row.pendingAction),
    dispute:
      row.dispute === null || row.dispute === undefined
        ? null
        : {
            id: row.dispute.disputeId,
            amount: Number(BigInt(row.dispute.amountMinor)),
            status: row.dispute.status,
          },
    currency: row.currency.toLowerCase(),
    capture_method: row.captureMethod,
    status: row.status,
    payment_method: paymentMethodView(row.paymentMethod),
    settlement_currency: row.settlementCurrency?.toLowerCase() ?? null,
    fx:
      row.fxSettlementCurrency === null ||
      row.fxSettlementCurrency === undefined ||
      row.fxSettlementAmountMinor === null ||
      row.fxRate === null ||
      row.fxRateVersion === null
        ? null
        : {
            settlement_currency: row.fxSettlementCurrency.toLowerCase(),
            settlement_amount: Number(BigInt(row.fxSettlementAmountMinor)),
            rate: row.fxRate,
            rate_version: row.fxRateVersion,
          },
    risk_screening: row.riskScreening ?? null,
    customer:
      row.customer === null
        ? null
        : {
            ...(row.customer.id === undefined ? {} : { id: row.customer.id }),
            ...(row.customer.email === undefined ? {} : { email: row.customer.email }),
            ...(row.customer.country === undefined ? {} : { country: row.customer.country }),
          },
    processor: row.processor,
    processor_reference: row.processorReference,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    version: row.version,
    created: unixSeconds(row.createdAt),
    updated: unixSeconds(row.updatedAt),
    events: events.map((event) => ({
      id: event.eventId,
      sequence: event.sequence,
      type: event.eventType,
      occurred_at: event.occurredAt.toISOString(),
    })),
  };
}
