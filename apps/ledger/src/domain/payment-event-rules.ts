import type { AnyEventEnvelope, EventData } from '@platform/contracts';
import { parseMinorAmount } from '@platform/money';
import {
  postAuthorization,
  postCancel,
  postCapture,
  postDisputeClosed,
  postDisputeOpened,
  postPayoutOutcome,
  postPayoutRequested,
  postRefund,
  postSettlement,
  type Decision,
  type FxFacts,
} from './posting-rules';
import { defaultPricing } from './pricing';
import type { StateChange, StateKeys, StateSnapshot } from './state-snapshot';

export type RejectionIds = Pick<
  EventData<'ledger.entry_rejected'>,
  'merchantId' | 'paymentId' | 'refundId' | 'payoutId' | 'settlementId'
>;

/** What the posting rules made of one payment event, with what its outgoing event names. */
export interface Ruling {
  readonly decision: Decision<unknown>;
  /** The state after the entry: applied only when the decision posts. */
  readonly change: StateChange;
  readonly rejectionIds: RejectionIds;
  /** Ids for the context of ledger.entry_posted besides the merchant and the payment. */
  readonly contextIds: Readonly<Record<string, string>>;
}

const NO_KEYS: StateKeys = {
  paymentIds: [],
  captureIds: [],
  refundIds: [],
  payoutIds: [],
  disputeIds: [],
  pricing: [],
};

/** The state rows an event's rules read, or null for an event that moves no money. */
export function stateKeysOf(event: AnyEventEnvelope): StateKeys | null {
  switch (event.type) {
    case 'payment.authorized':
    case 'payment.canceled':
      return { ...NO_KEYS, paymentIds: [event.data.paymentId] };
    case 'refund.succeeded':
      return { ...NO_KEYS, paymentIds: [event.data.paymentId], refundIds: [event.data.refundId] };
    case 'payment.captured': {
      const d = event.data;
      return {
        ...NO_KEYS,
        paymentIds: [d.paymentId],
        captureIds: [d.captureId],
        pricing: [{ merchantId: event.merchantId, currency: d.fx?.settlementCurrency ?? d.currency }],
      };
    }
    case 'settlement.reported':
      return {
        ...NO_KEYS,
        captureIds: event.data.captureIds,
        refundIds: event.data.refundIds,
        disputeIds: event.data.disputeIds,
      };
    case 'payout.requested':
    case 'payout.paid':
    case 'payout.failed':
      return { ...NO_KEYS, payoutIds: [event.data.payoutId] };
    case 'dispute.opened':
    case 'dispute.closed':
      return { ...NO_KEYS, paymentIds: [event.data.paymentId], disputeIds: [event.data.disputeId] };
    default:
      return null;
  }
}

function ruling<S>(
  decision: Decision<S>,
  changeOf: (state: S) => StateChange,
  rejectionIds: RejectionIds,
  contextIds: Record<string, string> = {},
): Ruling {
  return {
    decision,
    change: decision.outcome === 'post' ? changeOf(decision.state) : {},
    rejectionIds,
    contextIds,
  };
}

/**
 * Runs the posting rules of a payment event against the state as the events before it left it.
 * Null for an event that moves no money. Throws MoneyError or LedgerRuleError for malformed input.
 */
export function ruleFor(event: AnyEventEnvelope, state: StateSnapshot): Ruling | null {
  const occurredAt = new Date(event.occurredAt);
  switch (event.type) {
    case 'payment.authorized': {
      const d = event.data;
      const decision = postAuthorization(state.position(d.paymentId), {
        merchantId: event.merchantId,
        paymentId: d.paymentId,
        processor: d.processor,
        paymentMethodType: d.paymentMethodType,
        currency: d.currency,
        amountMinor: parseMinorAmount(d.amountMinor),
        occurredAt,
      });
      return ruling(decision, (s) => ({ positions: [s] }), {
        merchantId: event.merchantId,
        paymentId: d.paymentId,
      });
    }
    case 'payment.captured': {
      const d = event.data;
      const fx: FxFacts | null =
        d.fx === undefined
          ? null
          : {
              settlementCurrency: d.fx.settlementCurrency,
              settlementAmountMinor: parseMinorAmount(d.fx.settlementAmountMinor),
              rate: d.fx.rate,
              rateVersion: d.fx.rateVersion,
            };
      const merchantCurrency = fx?.settlementCurrency ?? d.currency;
      const decision = postCapture(state.position(d.paymentId), state.capture(d.captureId), {
        merchantId: event.merchantId,
        paymentId: d.paymentId,
        captureId: d.captureId,
        final: d.final,
        processor: d.processor,
        paymentMethodType: d.paymentMethodType,
        currency: d.currency,
        grossAmountMinor: parseMinorAmount(d.amountMinor),
        fx,
        pricing: state.pricingFor(event.merchantId, merchantCurrency) ?? defaultPricing(merchantCurrency),
        occurredAt,
      });
      return ruling(
        decision,
        (s) => ({ positions: [s.position], captures: [s.capture] }),
        { merchantId: event.merchantId, paymentId: d.paymentId },
        { captureId: d.captureId },
      );
    }
    case 'payment.canceled': {
      const d = event.data;
      const decision = postCancel(state.position(d.paymentId), {
        paymentId: d.paymentId,
        reason: d.reason,
        releasedAmountMinor: parseMinorAmount(d.releasedAmountMinor),
        occurredAt,
      });
      return ruling(decision, (s) => ({ positions: [s] }), {
        merchantId: event.merchantId,
        paymentId: d.paymentId,
      });
    }
    case 'refund.succeeded': {
      const d = event.data;
      const decision = postRefund(state.position(d.paymentId), state.refund(d.refundId), {
        refundId: d.refundId,
        paymentId: d.paymentId,
        currency: d.currency,
        amountMinor: parseMinorAmount(d.amountMinor),
        occurredAt,
      });
      return ruling(
        decision,
        (s) => ({ positions: [s.position], refunds: [s.refund] }),
        { merchantId: event.merchantId, paymentId: d.paymentId, refundId: d.refundId },
        { refundId: d.refundId },
      );
    }
    case 'settlement.reported': {
      const d = event.data;
      const items = {
        captures: state.capturesOf(d.captureIds),
        refunds: state.refundsOf(d.refundIds),
        disputes: state.disputesOf(d.disputeIds),
      };
      const decision = postSettlement(items, {
        settlementId: d.settlementId,
        processor: d.processor,
        currency: d.currency,
        settlementDate: d.settlementDate,
        grossAmountMinor: parseMinorAmount(d.grossAmountMinor),
        refundedAmountMinor: parseMinorAmount(d.refundedAmountMinor),
        chargebackAmountMinor: parseMinorAmount(d.chargebackAmountMinor),
        processorFeeAmountMinor: parseMinorAmount(d.processorFeeAmountMinor),
        netAmountMinor: parseMinorAmount(d.netAmountMinor),
        captureIds: d.captureIds,
        refundIds: d.refundIds,
        disputeIds: d.disputeIds,
        occurredAt,
      });
      return ruling(
        decision,
        (settled) => ({
          captures: settled.captures,
          refunds: settled.refunds,
          disputes: settled.disputes,
        }),
        { settlementId: d.settlementId },
        { settlementId: d.settlementId },
      );
    }
    case 'payout.requested':
    case 'payout.paid':
    case 'payout.failed': {
      const d = event.data;
      const existing = state.payout(d.payoutId);
      const facts = {
        payoutId: d.payoutId,
        merchantId: d.merchantId,
        currency: d.currency,
        amountMinor: parseMinorAmount(d.amountMinor),
        occurredAt,
      };
      const decision =
        event.type === 'payout.requested'
          ? postPayoutRequested(existing, facts)
          : postPayoutOutcome(existing, {
              ...facts,
              outcome: event.type === 'payout.paid' ? 'paid' : 'failed',
            });
      return ruling(
        decision,
        (s) => ({ payouts: [s] }),
        { merchantId: d.merchantId, payoutId: d.payoutId },
        { payoutId: d.payoutId },
      );
    }
    case 'dispute.opened':
    case 'dispute.closed': {
      const d = event.data;
      const position = state.position(d.paymentId);
      const existing = state.dispute(d.disputeId);
      const facts = {
        disputeId: d.disputeId,
        paymentId: d.paymentId,
        currency: d.currency,
        amountMinor: parseMinorAmount(d.amountMinor),
        occurredAt,
      };
      const decision =
        event.type === 'dispute.opened'
          ? postDisputeOpened(position, existing, facts)
          : postDisputeClosed(position, existing, { ...facts, outcome: event.data.outcome });
      return ruling(
        decision,
        (s) => ({ disputes: [s] }),
        { merchantId: event.merchantId, paymentId: d.paymentId },
        { disputeId: d.disputeId },
      );
    }
    default:
      return null;
  }
}
