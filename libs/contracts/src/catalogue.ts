import type { z } from 'zod';
import { TOPICS, type TopicDefinition } from './topics';
import {
  cancelPaymentCommandSchema,
  capturePaymentCommandSchema,
  createPaymentCommandSchema,
  createPayoutCommandSchema,
  createRefundCommandSchema,
  resolvePaymentActionCommandSchema,
  submitDisputeEvidenceCommandSchema,
} from './events/payment-commands';
import {
  controlTotalsReportedSchema,
  disputeClosedSchema,
  disputeOpenedSchema,
  paymentAuthorizedSchema,
  paymentCanceledSchema,
  paymentCapturedSchema,
  paymentCommandRejectedSchema,
  paymentCreatedSchema,
  paymentFailedSchema,
  paymentRequiresActionSchema,
  paymentReviewClosedSchema,
  paymentReviewOpenedSchema,
  payoutFailedSchema,
  payoutPaidSchema,
  payoutRequestedSchema,
  refundFailedSchema,
  refundSucceededSchema,
  settlementReportedSchema,
} from './events/payment-events';
import { riskAssessedSchema } from './events/risk-events';
import {
  ledgerEntryPostedSchema,
  ledgerEntryRejectedSchema,
  ledgerRepublishRequestedSchema,
} from './events/ledger-events';
import { merchantPricingSetSchema } from './events/merchant-events';

/**
 * Every command and event, declared once: its topic, its schema version and its data schema.
 * Producers and consumers both validate against this entry.
 */
export const EVENT_CATALOGUE = Object.freeze({
  // Commands from the gateway.
  'payment.create': entry(TOPICS.paymentsCommands, createPaymentCommandSchema),
  'payment.capture': entry(TOPICS.paymentsCommands, capturePaymentCommandSchema),
  'payment.cancel': entry(TOPICS.paymentsCommands, cancelPaymentCommandSchema),
  'payment.resolve_action': entry(TOPICS.paymentsCommands, resolvePaymentActionCommandSchema),
  'refund.create': entry(TOPICS.paymentsCommands, createRefundCommandSchema),
  'payout.create': entry(TOPICS.paymentsCommands, createPayoutCommandSchema),
  'dispute.submit_evidence': entry(TOPICS.paymentsCommands, submitDisputeEvidenceCommandSchema),
  // Payment lifecycle.
  'payment.created': entry(TOPICS.paymentsEvents, paymentCreatedSchema),
  'payment.requires_action': entry(TOPICS.paymentsEvents, paymentRequiresActionSchema),
  'payment.authorized': entry(TOPICS.paymentsEvents, paymentAuthorizedSchema),
  'payment.captured': entry(TOPICS.paymentsEvents, paymentCapturedSchema),
  'payment.canceled': entry(TOPICS.paymentsEvents, paymentCanceledSchema),
  'payment.failed': entry(TOPICS.paymentsEvents, paymentFailedSchema),
  'payment.review_opened': entry(TOPICS.paymentsEvents, paymentReviewOpenedSchema),
  'payment.review_closed': entry(TOPICS.paymentsEvents, paymentReviewClosedSchema),
  'refund.succeeded': entry(TOPICS.paymentsEvents, refundSucceededSchema),
  'refund.failed': entry(TOPICS.paymentsEvents, refundFailedSchema),
  'settlement.reported': entry(TOPICS.paymentsEvents, settlementReportedSchema),
  'payout.requested': entry(TOPICS.paymentsEvents, payoutRequestedSchema),
  'payout.paid': entry(TOPICS.paymentsEvents, payoutPaidSchema),
  'payout.failed': entry(TOPICS.paymentsEvents, payoutFailedSchema),
  'dispute.opened': entry(TOPICS.paymentsEvents, disputeOpenedSchema),
  'dispute.closed': entry(TOPICS.paymentsEvents, disputeClosedSchema),
  // A client's command that payments refused (it had no effect).
  'payment.command_rejected': entry(TOPICS.paymentsEvents, paymentCommandRejectedSchema),
  // What payments recorded, for the ledger to check against its books.
  'control_totals.reported': entry(TOPICS.paymentsControl, controlTotalsReportedSchema),
  // Risk.
  'risk.assessed': entry(TOPICS.riskEvents, riskAssessedSchema),
  // Ledger.
  'ledger.entry_posted': entry(TOPICS.ledgerEvents, ledgerEntryPostedSchema),
  'ledger.entry_rejected': entry(TOPICS.ledgerEvents, ledgerEntryRejectedSchema),
  'ledger.republish_requested': entry(TOPICS.ledgerCommands, ledgerRepublishRequestedSchema),
  // Merchants (the gateway onboards them).
  'merchant.pricing_set': entry(TOPICS.merchantsEvents, merchantPricingSetSchema),
});

/** Version 1 of a message; a breaking change adds a new type or bumps this with both readers. */
function entry<S extends z.ZodTypeAny>(topic: TopicDefinition, data: S) {
  return { topic, schemaVersion: 1, data } as const;
}

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]['data']>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}
