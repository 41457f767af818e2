import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { postReversal } from '../domain/posting-rules';
import { JournalQueries } from '../journal/journal-queries.repository';
import { JournalWriter } from '../journal/journal-writer.repository';
import type { StoredEntry } from '../journal/stored-entry';

/**
 * An operator's correction: the original's postings negated, in a new entry that names it. It
 * corrects balances only; the business state (holds, refund totals) is left as the events made it.
 * An entry is reversed at most once (UNIQUE reverses_entry_id), and a reversal is never reversed.
 */
@Injectable()
export class ReverseEntry {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly journalQueries: JournalQueries,
    private readonly journalWriter: JournalWriter,
  ) {}

  async execute(entryId: string, reason: string): Promise<StoredEntry> {
    const original = await this.journalQueries.findById(entryId);
    if (original === null) throw ApiError.notFound('ledger entry', entryId);
    if (original.kind === 'reversal') {
      throw new ApiError(
        400,
        'invalid_request_error',
        'entry_is_reversal',
        'A reversal cannot be reversed.',
        'id',
      );
    }
    const draft = postReversal(
      {
        id: original.id,
        kind: original.kind,
        merchantId: original.merchantId,
        paymentId: original.paymentId,
        aggregateId: original.aggregateId,
        postings: original.postings.map((p) => ({
          account: { code: p.accountCode, type: p.accountType, currency: p.currency },
          amountMinor: p.amountMinor,
        })),
      },
      new Date(),
      reason,
    );
    try {
      return await this.dataSource.transaction(async (manager) => {
        const entry = await this.journalWriter.append(manager, draft, randomUUID());
        const first = entry.postings[0];
        const grossAmountMinor = entry.postings
          .filter((p) => p.currency === first?.currency && p.amountMinor > 0n)
          .reduce((sum, p) => sum + p.amountMinor, 0n);
        const event = createEvent(
          'ledger.entry_posted',
          {
            entryId: entry.id,
            sequence: entry.sequence.toString(),
            hash: entry.hash,
            kind: 'reversal',
            sourceEventId: entry.sourceEventId,
            reversesEntryId: original.id,
            postings: entry.postings.map((p) => ({
              accountCode: p.accountCode,
              accountType: p.accountType,
              currency: p.currency,
              amountMinor: p.amountMinor.toString(),
            })),
            context: {
              ...(entry.merchantId === null ? {} : { merchantId: entry.merchantId }),
              ...(entry.paymentId === null ? {} : { paymentId: entry.paymentId }),
              currency: first?.currency ?? 'USD',
              grossAmountMinor: grossAmountMinor.toString(),
              feeAmountMinor: '0',
              occurredAt: entry.occurredAt.toISOString(),
            },
          },
          {
            aggregateId: entry.aggregateId,
            aggregateSequence: entry.aggregateEntryCount,
            merchantId: entry.merchantId ?? 'mer_platformledger',
            correlationId: entry.id,
            causationId: null,
          },
        );
        await appendToOutbox(manager, [event]);
        return entry;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ApiError(
          409,
          'invalid_request_error',
          'entry_already_reversed',
          'This entry is already reversed.',
          'id',
        );
      }
      throw error;
    }
  }
}
