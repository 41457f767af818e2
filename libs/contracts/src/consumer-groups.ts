import { TOPICS, type TopicDefinition } from './topics';

/** A consumer group: its name (also the name its processed-event ids are recorded under) and what it reads. */
export interface ConsumerGroupDefinition {
  readonly groupName: string;
  readonly topics: readonly TopicDefinition[];
}

/**
 * The one registry of Kafka consumer groups, beside the topics: apps never spell a group name.
 * A name is forever: renaming one makes its consumer start over from the earliest offset and
 * forget which events it applied.
 */
export const CONSUMER_GROUPS = Object.freeze({
  /** gateway: the payment read model, webhooks and waiting requests. */
  gatewayPayments: { groupName: 'gateway', topics: [TOPICS.paymentsEvents] },
  /** gateway: merchants' balances from the ledger. */
  gatewayBalances: { groupName: 'gateway-balances', topics: [TOPICS.ledgerEvents] },
  /** payments: commands from the gateway and risk's answers, into the payment lifecycle. */
  payments: { groupName: 'payments', topics: [TOPICS.paymentsCommands, TOPICS.riskEvents] },
  /** payments: what the ledger booked, for settlements and payouts. */
  paymentsLedger: { groupName: 'payments-ledger', topics: [TOPICS.ledgerEvents] },
  /** risk: screens each new payment. */
  risk: { groupName: 'risk', topics: [TOPICS.paymentsEvents] },
  /** ledger: posts the journal entry of each payment event. */
  ledger: { groupName: 'ledger', topics: [TOPICS.paymentsEvents] },
  /** ledger: merchants' pricing, a group of its own so it never waits behind a posting batch. */
  ledgerMerchants: { groupName: 'ledger-merchants', topics: [TOPICS.merchantsEvents] },
  /** ledger: payments' control totals, checked against the journal. */
  ledgerControl: { groupName: 'ledger-control', topics: [TOPICS.paymentsControl] },
  /** ledger: republish requests. */
  ledgerCommands: { groupName: 'ledger-commands', topics: [TOPICS.ledgerCommands] },
} as const satisfies Record<string, ConsumerGroupDefinition>);

/** reporting: each projection generation reads ledger.events from the start in a group of its own. */
export function reportingGenerationGroupName(generation: number): string {
  return `reporting-g${generation}`;
}
