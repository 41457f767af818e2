import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { causedBy, createEvent, type EventEnvelope } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { MoneyError, parseMinorAmount } from '@platform/money';
import { LedgerRuleError } from '../domain/ledger-error';
import { postCapture, type PostedCapture } from '../domain/posting-rules';
import { defaultPricing } from '../domain/pricing';
import { JournalRepository, type StoredEntry } from '../journal/journal.repository';

/**
 * payment.captured → one capture entry and its ledger.entry_posted event, in the consumer's
 * transaction. Posts at most once per source event: the consumer's processed-event record skips a
 * redelivery, and the journal's UNIQUE source_event_id backs it up; a source event id seen again
 * with different content is refused (dead-lettered) and logged.
 */
@Injectable()
export class PostCapture {
  private readonly logger = new Logger('PostCapture');

  constructor(private readonly journal: JournalRepository) {}

  async execute(event: EventEnvelope<'payment.captured'>, manager: EntityManager): Promise<void> {
    const posted = this.decide(event);
    const existing = await this.journal.findBySourceEvent(manager, event.id);
    if (existing !== null) {
      if (sameEntry(existing, posted)) {
        this.logger.log(`capture ${event.id} already posted as entry ${existing.id}; skipped`);
        return;
      }
      this.logger.error(`source event ${event.id} reused with different content; entry ${existing.id} kept`);
      throw new UnprocessableEventError(`source event ${event.id} was already posted with different content`);
    }
    const entry = await this.journal.append(manager, posted.entry, event.id);
    const outgoing = createEvent(
      'ledger.entry_posted',
      {
        entryId: entry.id,
        sequence: entry.sequence.toString(),
        hash: entry.hash,
        kind: 'capture',
        sourceEventId: event.id,
        postings: entry.postings.map((p) => ({
          accountCode: p.accountCode,
          accountType: p.accountType,
          currency: p.currency,
          amountMinor: p.amountMinor.toString(),
        })),
        context: {
          merchantId: event.merchantId,
          paymentId: event.data.paymentId,
          paymentMethodType: event.data.paymentMethodType,
          currency: event.data.currency,
          grossAmountMinor: event.data.amountMinor,
          feeAmountMinor: posted.feeAmountMinor.toString(),
          occurredAt: entry.occurredAt.toISOString(),
        },
      },
      causedBy(event, entry.paymentEntryCount, event.data.paymentId),
    );
    await appendToOutbox(manager, [outgoing]);
  }

  /** The pure part: the entry this event implies, or UnprocessableEventError if it breaks a rule. */
  private decide(event: EventEnvelope<'payment.captured'>): PostedCapture {
    try {
      return postCapture({
        merchantId: event.merchantId,
        paymentId: event.data.paymentId,
        processor: event.data.processor,
        currency: event.data.currency,
        grossAmountMinor: parseMinorAmount(event.data.amountMinor),
        pricing: defaultPricing(event.data.currency),
        occurredAt: new Date(event.occurredAt),
      });
    } catch (error) {
      if (error instanceof LedgerRuleError || error instanceof MoneyError) {
        throw new UnprocessableEventError(`payment.captured ${event.id}: ${(error as Error).message}`);
      }
      throw error;
    }
  }
}

function sameEntry(stored: StoredEntry, posted: PostedCapture): boolean {
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
