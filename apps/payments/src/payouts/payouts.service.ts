import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { createEvent, type EnvelopeMetadata, type EventEnvelope } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import {
  completeReservedPayout,
  dailyPayoutAmount,
  dailyPayoutIdFor,
  failRejectedPayout,
  requestPayout,
  simulatedBankTransfer,
  type Payout,
  type PayoutRequest,
  type PayoutTransition,
} from '../domain/payout-state';
import { PayoutsRepository, type StoredPayout } from './payouts.repository';

/** Merchants looked at per page of the daily payout run. */
export const DAILY_PAYOUT_PAGE_MAX = 500;

/**
 * Payouts: a request (payout.create, or the daily schedule) records the payout pending and asks the
 * ledger to reserve the funds (payout.requested). The ledger's answer on ledger.events ends it: a
 * reservation is sent through the simulated bank (payout.paid, or payout.failed bank_rejected,
 * which the ledger reverses); a rejection fails it with insufficient_balance (the ledger ignores a
 * payout.failed for a payout it never reserved). Each step commits with its outgoing event.
 */
@Injectable()
export class PayoutsService {
  private readonly logger = new Logger('Payouts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly payouts: PayoutsRepository,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  /** payout.create → a pending payout and payout.requested; a repeated payout id is ignored. */
  async create(command: EventEnvelope<'payout.create'>, manager: EntityManager): Promise<void> {
    const { data } = command;
    if (command.merchantId !== data.merchantId) {
      throw new UnprocessableEventError(
        `payout.create ${command.id}: envelope merchant ${command.merchantId} is not ${data.merchantId}`,
      );
    }
    const payout = requestPayout({
      payoutId: data.payoutId,
      merchantId: data.merchantId,
      amountMinor: BigInt(data.amountMinor),
      currency: data.currency,
      trigger: 'on_request',
    });
    if (payout === null) {
      throw new UnprocessableEventError(`payout.create ${command.id}: the amount must be positive`);
    }
    const requested = await this.request(manager, payout, command.correlationId, command.id);
    if (!requested) this.logger.warn(`payout.create ${command.id}: payout ${data.payoutId} exists; ignored`);
  }

  /** The daily schedule: the whole available balance of each merchant and currency, once a day. */
  async requestDailyPayouts(now: Date): Promise<number> {
    const day = now.toISOString().slice(0, 10);
    let requested = 0;
    let after: { merchantId: string; currency: string } | null = null;
    for (;;) {
      const page = await this.payouts.dailyCandidates(after, DAILY_PAYOUT_PAGE_MAX);
      for (const candidate of page) {
        const amountMinor = dailyPayoutAmount(candidate.availableMinor, candidate.pendingMinor);
        if (amountMinor === null) continue;
        const request: PayoutRequest = {
          payoutId: dailyPayoutIdFor(candidate.merchantId, candidate.currency, day),
          merchantId: candidate.merchantId,
          amountMinor,
          currency: candidate.currency,
          trigger: 'daily',
        };
        const payout = requestPayout(request);
        if (payout === null) continue;
        const made = await this.dataSource.transaction((manager) =>
          this.request(manager, payout, randomUUID(), null),
        );
        if (made) requested += 1;
      }
      const last = page[page.length - 1];
      if (page.length < DAILY_PAYOUT_PAGE_MAX || last === undefined) return requested;
      after = { merchantId: last.merchantId, currency: last.currency };
    }
  }

  /** ledger.entry_posted of kind payout: the funds are reserved; the bank transfer ends the payout. */
  async onReserved(posted: EventEnvelope<'ledger.entry_posted'>, manager: EntityManager): Promise<void> {
    const payoutId = posted.data.context.payoutId;
    if (payoutId === undefined) return;
    const payout = await this.answered(manager, payoutId, posted.data.sourceEventId, posted);
    if (payout === null) return;
    const transfer = simulatedBankTransfer(
      payout.amountMinor,
      this.config.SIMULATED_BANK_REJECT_AMOUNT_ENDING,
    );
    await this.apply(manager, completeReservedPayout(payout, transfer), posted);
  }

  /** ledger.entry_rejected of a payout.requested: the reservation was refused. */
  async onRejected(rejected: EventEnvelope<'ledger.entry_rejected'>, manager: EntityManager): Promise<void> {
    const { payoutId, sourceEventType, sourceEventId, reason } = rejected.data;
    // Rejections of payout.paid or payout.failed need nothing from payments.
    if (payoutId === undefined || sourceEventType !== 'payout.requested') return;
    const payout = await this.answered(manager, payoutId, sourceEventId, rejected);
    if (payout === null) return;
    await this.apply(manager, failRejectedPayout(payout, reason), rejected);
  }

  /** The payout the ledger answered, if this service asked for it with that very event. */
  private async answered(
    manager: EntityManager,
    payoutId: string,
    sourceEventId: string,
    answer: EnvelopeMetadata & { type: string },
  ): Promise<StoredPayout | null> {
    const payout = await this.payouts.findForUpdate(manager, payoutId);
    if (payout === null || payout.requestedEventId !== sourceEventId) {
      this.logger.warn(`${answer.type} ${answer.id}: payout ${payoutId} was not requested here; ignored`);
      return null;
    }
    return payout;
  }

  private async apply(
    manager: EntityManager,
    transition: PayoutTransition,
    cause: EnvelopeMetadata & { type: string },
  ): Promise<void> {
    if (transition.outcome === 'ignore') {
      this.logger.warn(`${cause.type} ${cause.id}: ${transition.reason}`);
      return;
    }
    const { payout, event } = transition;
    await this.payouts.updateStatus(manager, payout);
    const data = {
      payoutId: payout.payoutId,
      merchantId: payout.merchantId,
      amountMinor: payout.amountMinor.toString(),
      currency: payout.currency,
    };
    const metadata = {
      aggregateId: payout.merchantId,
      aggregateSequence: await this.payouts.nextSequence(manager, payout.merchantId),
      merchantId: payout.merchantId,
      correlationId: cause.correlationId,
      causationId: cause.id,
    };
    const outcome =
      event.type === 'payout.paid'
        ? createEvent('payout.paid', data, metadata)
        : createEvent('payout.failed', { ...data, failureCode: event.failureCode }, metadata);
    await appendToOutbox(manager, [outcome]);
    this.logger.log(
      `payout ${payout.payoutId}: ${payout.status}${payout.failureCode ? ` (${payout.failureCode})` : ''}`,
    );
  }

  /** Records the pending payout and its payout.requested; false when the payout exists already. */
  private async request(
    manager: EntityManager,
    payout: Payout,
    correlationId: string,
    causationId: string | null,
  ): Promise<boolean> {
    const requested = createEvent(
      'payout.requested',
      {
        payoutId: payout.payoutId,
        merchantId: payout.merchantId,
        amountMinor: payout.amountMinor.toString(),
        currency: payout.currency,
      },
      {
        aggregateId: payout.merchantId,
        // Numbered below, once the payout is known to be new; createEvent needs a valid one now.
        aggregateSequence: 1,
        merchantId: payout.merchantId,
        correlationId,
        causationId,
      },
    );
    if (!(await this.payouts.insert(manager, payout, requested.id))) return false;
    const aggregateSequence = await this.payouts.nextSequence(manager, payout.merchantId);
    await appendToOutbox(manager, [{ ...requested, aggregateSequence }]);
    return true;
  }
}
