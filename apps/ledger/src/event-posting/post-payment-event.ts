import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { causedBy, createEvent, type AnyEventEnvelope, type EventData } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { MoneyError, parseMinorAmount } from '@platform/money';
import { InsufficientBalanceError, LedgerRuleError } from '../domain/ledger-error';
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
  type Posted,
  type RejectReason,
} from '../domain/posting-rules';
import { defaultPricing, type Pricing } from '../domain/pricing';
import { JournalRepository, type StoredEntry } from '../journal/journal.repository';
import { LedgerStateRepository } from '../journal/ledger-state.repository';

type RejectionIds = Pick<
  EventData<'ledger.entry_rejected'>,
  'merchantId' | 'paymentId' | 'refundId' | 'payoutId'
>;

/**
 * Turns a payment event into at most one journal entry (or a ledger.entry_rejected), inside the
 * consumer's transaction: the state rows, the entry and the outgoing event commit together, once.
 */
@Injectable()
export class PostPaymentEvent {
  private readonly logger = new Logger('PostPaymentEvent');

  constructor(
    private readonly journal: JournalRepository,
    private readonly state: LedgerStateRepository,
  ) {}

  async execute(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    try {
      await this.dispatch(event, manager);
    } catch (error) {
      if (
        error instanceof MoneyError ||
        (error instanceof LedgerRuleError && !(error instanceof InsufficientBalanceError))
      ) {
        throw new UnprocessableEventError(`${event.type} ${event.id}: ${error.message}`);
      }
      throw error;
    }
  }

  private async dispatch(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    const occurredAt = new Date(event.occurredAt);
    switch (event.type) {
      case 'payment.authorized': {
        const d = event.data;
        const position = await this.state.lockPosition(manager, d.paymentId);
        const decision = postAuthorization(position, {
          merchantId: event.merchantId,
          paymentId: d.paymentId,
          processor: d.processor,
          paymentMethodType: d.paymentMethodType,
          currency: d.currency,
          amountMinor: parseMinorAmount(d.amountMinor),
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: event.merchantId, paymentId: d.paymentId },
          (s) => this.state.savePosition(manager, s),
        );
      }
      case 'payment.captured': {
        const d = event.data;
        const position = await this.state.lockPosition(manager, d.paymentId);
        const existing = (await this.state.lockCaptures(manager, [d.captureId])).get(d.captureId) ?? null;
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
        const decision = postCapture(position, existing, {
          merchantId: event.merchantId,
          paymentId: d.paymentId,
          captureId: d.captureId,
          final: d.final,
          processor: d.processor,
          paymentMethodType: d.paymentMethodType,
          currency: d.currency,
          grossAmountMinor: parseMinorAmount(d.amountMinor),
          fx,
          pricing: await this.pricing(manager, event.merchantId, merchantCurrency),
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: event.merchantId, paymentId: d.paymentId },
          async (s) => {
            await this.state.savePosition(manager, s.position);
            await this.state.insertCapture(manager, s.capture);
          },
          { captureId: d.captureId },
        );
      }
      case 'payment.canceled': {
        const d = event.data;
        const position = await this.state.lockPosition(manager, d.paymentId);
        const decision = postCancel(position, {
          paymentId: d.paymentId,
          reason: d.reason,
          releasedAmountMinor: parseMinorAmount(d.releasedAmountMinor),
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: event.merchantId, paymentId: d.paymentId },
          (s) => this.state.savePosition(manager, s),
        );
      }
      case 'refund.succeeded': {
        const d = event.data;
        const position = await this.state.lockPosition(manager, d.paymentId);
        const decision = postRefund(position, {
          refundId: d.refundId,
          paymentId: d.paymentId,
          currency: d.currency,
          amountMinor: parseMinorAmount(d.amountMinor),
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: event.merchantId, paymentId: d.paymentId, refundId: d.refundId },
          (s) => this.state.savePosition(manager, s),
          { refundId: d.refundId },
        );
      }
      case 'settlement.reported': {
        const d = event.data;
        const captures = await this.state.lockCaptures(manager, d.captureIds);
        const decision = postSettlement(captures, {
          settlementId: d.settlementId,
          processor: d.processor,
          currency: d.currency,
          settlementDate: d.settlementDate,
          grossAmountMinor: parseMinorAmount(d.grossAmountMinor),
          processorFeeAmountMinor: parseMinorAmount(d.processorFeeAmountMinor),
          netAmountMinor: parseMinorAmount(d.netAmountMinor),
          captureIds: d.captureIds,
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          {},
          (settled) =>
            this.state.markSettled(
              manager,
              settled.map((c) => c.captureId),
              d.settlementId,
            ),
          { settlementId: d.settlementId },
        );
      }
      case 'payout.requested': {
        const d = event.data;
        const existing = await this.state.lockPayout(manager, d.payoutId);
        const decision = postPayoutRequested(existing, {
          payoutId: d.payoutId,
          merchantId: d.merchantId,
          currency: d.currency,
          amountMinor: parseMinorAmount(d.amountMinor),
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: d.merchantId, payoutId: d.payoutId },
          (s) => this.state.savePayout(manager, s),
          { payoutId: d.payoutId },
        );
      }
      case 'payout.paid':
      case 'payout.failed': {
        const d = event.data;
        const existing = await this.state.lockPayout(manager, d.payoutId);
        const decision = postPayoutOutcome(existing, {
          payoutId: d.payoutId,
          merchantId: d.merchantId,
          currency: d.currency,
          amountMinor: parseMinorAmount(d.amountMinor),
          outcome: event.type === 'payout.paid' ? 'paid' : 'failed',
          occurredAt,
        });
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: d.merchantId, payoutId: d.payoutId },
          (s) => this.state.savePayout(manager, s),
          { payoutId: d.payoutId },
        );
      }
      case 'dispute.opened':
      case 'dispute.closed': {
        const d = event.data;
        const position = await this.state.lockPosition(manager, d.paymentId);
        const existing = await this.state.lockDispute(manager, d.disputeId);
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
        return this.apply(
          event,
          manager,
          decision,
          { merchantId: event.merchantId, paymentId: d.paymentId },
          (s) => this.state.saveDispute(manager, s),
          { disputeId: d.disputeId },
        );
      }
      default:
        return;
    }
  }

  private async pricing(manager: EntityManager, merchantId: string, currency: string): Promise<Pricing> {
    return (await this.state.pricingFor(manager, merchantId, currency)) ?? defaultPricing(currency);
  }

  private async apply<S>(
    event: AnyEventEnvelope,
    manager: EntityManager,
    decision: Decision<S>,
    rejectionIds: RejectionIds,
    save: (state: S) => Promise<void>,
    contextIds: Record<string, string> = {},
  ): Promise<void> {
    if (decision.outcome === 'ignore') {
      this.logger.log(`${event.type} ${event.id}: ${decision.message}`);
      return;
    }
    if (decision.outcome === 'reject')
      return this.reject(event, manager, decision.reason, decision.message, rejectionIds);

    const existing = await this.journal.findBySourceEvent(manager, event.id);
    if (existing !== null) {
      if (sameEntry(existing, decision)) {
        this.logger.log(`${event.type} ${event.id} already posted as entry ${existing.id}; skipped`);
        return;
      }
      this.logger.error(`source event ${event.id} reused with different content; entry ${existing.id} kept`);
      throw new UnprocessableEventError(`source event ${event.id} was already posted with different content`);
    }
    let entry;
    try {
      entry = await this.journal.append(manager, decision.entry, event.id, decision.guards);
    } catch (error) {
      if (error instanceof InsufficientBalanceError) {
        return this.reject(event, manager, 'insufficient_balance', error.message, rejectionIds);
      }
      throw error;
    }
    await save(decision.state);
    const { context } = decision;
    const posted = createEvent(
      'ledger.entry_posted',
      {
        entryId: entry.id,
        sequence: entry.sequence.toString(),
        hash: entry.hash,
        kind: decision.entry.kind,
        sourceEventId: event.id,
        reversesEntryId: null,
        postings: entry.postings.map((p) => ({
          accountCode: p.accountCode,
          accountType: p.accountType,
          currency: p.currency,
          amountMinor: p.amountMinor.toString(),
        })),
        context: {
          ...(entry.merchantId === null ? {} : { merchantId: entry.merchantId }),
          ...(entry.paymentId === null ? {} : { paymentId: entry.paymentId }),
          ...contextIds,
          ...(context.paymentMethodType === undefined
            ? {}
            : { paymentMethodType: context.paymentMethodType as 'card' | 'bank_transfer' | 'wallet' }),
          ...(context.processor === undefined ? {} : { processor: context.processor }),
          currency: context.currency,
          grossAmountMinor: context.grossAmountMinor.toString(),
          feeAmountMinor: context.feeAmountMinor.toString(),
          ...(context.fx === undefined
            ? {}
            : {
                fx: {
                  settlementCurrency: context.fx.settlementCurrency,
                  settlementAmountMinor: context.fx.settlementAmountMinor.toString(),
                  rate: context.fx.rate,
                  rateVersion: context.fx.rateVersion,
                },
              }),
          occurredAt: entry.occurredAt.toISOString(),
        },
      },
      causedBy(event, entry.aggregateEntryCount, decision.entry.aggregateId),
    );
    await appendToOutbox(manager, [posted]);
  }

  private async reject(
    event: AnyEventEnvelope,
    manager: EntityManager,
    reason: RejectReason,
    message: string,
    ids: RejectionIds,
  ): Promise<void> {
    this.logger.warn(`${event.type} ${event.id} rejected: ${reason}: ${message}`);
    const rejected = createEvent(
      'ledger.entry_rejected',
      {
        sourceEventId: event.id,
        sourceEventType: event.type,
        reason,
        message: message.slice(0, 500),
        ...ids,
      },
      causedBy(event, 1, ids.paymentId ?? ids.merchantId ?? event.aggregateId),
    );
    await appendToOutbox(manager, [rejected]);
  }
}

function sameEntry(stored: StoredEntry, posted: Posted<unknown>): boolean {
  const draft = posted.entry;
  return (
    stored.kind === draft.kind &&
    stored.merchantId === draft.merchantId &&
    stored.paymentId === draft.paymentId &&
    stored.occurredAt.getTime() === draft.occurredAt.getTime() &&
    stored.postings.length === draft.postings.length &&
    stored.postings.every((p, i) => {
      const other = draft.postings[i];
      return (
        other !== undefined && p.accountCode === other.account.code && p.amountMinor === other.amountMinor
      );
    })
  );
}
