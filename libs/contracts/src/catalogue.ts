import { z } from 'zod';
import { TOPICS, type TopicDefinition } from './topics';
import { createPaymentCommandSchema } from './events/payment-commands';
import {
  paymentAuthorizedSchema,
  paymentCapturedSchema,
  paymentCreatedSchema,
  paymentFailedSchema,
} from './events/payment-events';
import { riskAssessedSchema } from './events/risk-events';
import { ledgerEntryPostedSchema } from './events/ledger-events';

interface CatalogueEntry {
  readonly topic: TopicDefinition;
  readonly schemaVersion: number;
  readonly data: z.ZodTypeAny;
}

/**
 * Every command and event, declared once: its topic, its schema version and its data schema.
 * Producers and consumers both validate against this entry.
 */
export const EVENT_CATALOGUE = Object.freeze({
  'payment.create': { topic: TOPICS.paymentsCommands, schemaVersion: 1, data: createPaymentCommandSchema },
  'payment.created': { topic: TOPICS.paymentsEvents, schemaVersion: 1, data: paymentCreatedSchema },
  'payment.authorized': { topic: TOPICS.paymentsEvents, schemaVersion: 1, data: paymentAuthorizedSchema },
  'payment.captured': { topic: TOPICS.paymentsEvents, schemaVersion: 1, data: paymentCapturedSchema },
  'payment.failed': { topic: TOPICS.paymentsEvents, schemaVersion: 1, data: paymentFailedSchema },
  'risk.assessed': { topic: TOPICS.riskEvents, schemaVersion: 1, data: riskAssessedSchema },
  'ledger.entry_posted': { topic: TOPICS.ledgerEvents, schemaVersion: 1, data: ledgerEntryPostedSchema },
} as const satisfies Record<string, CatalogueEntry>);

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]['data']>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}
