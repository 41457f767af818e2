import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { causedBy, createEvent, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { appendTracedToOutbox, type TracedEvent } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { MoneyError } from '@platform/money';
import { currentTraceHeaders } from '@platform/telemetry';
import { firstBreachedGuard } from '../domain/balance-guards';
import { InsufficientBalanceError, LedgerRuleError } from '../domain/ledger-error';
import type { Posted, RejectReason } from '../domain/posting-rules';
import { StateSnapshot, mergeStateKeys, type StoredState } from '../domain/state-snapshot';
import { JournalQueries } from '../journal/journal-queries.repository';
import {
  JournalWriter,
  balancesOf,
  type AppendedEntry,
  type LockedAccounts,
} from '../journal/journal-writer.repository';
import type { StoredEntry } from '../journal/stored-entry';
import { LedgerStateRepository } from '../journal/ledger-state.repository';
import { ruleFor, stateKeysOf, type RejectionIds, type Ruling } from '../domain/payment-event-rules';

/** A payment event to post, with the span its share of a batch runs in (its consumer span). */
export interface EventToPost {
  readonly event: AnyEventEnvelope;
  readonly inSpan: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Outgoing events built between two yields to I/O (each takes tens of microseconds). */
const OUTGOING_BETWEEN_YIELDS = 50;

/** Lets pending I/O callbacks run: the next queued query is sent when the previous one answers. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What an event comes to once decided in its batch. */
type Outcome =
  | {
      readonly kind: 'post';
      readonly event: AnyEventEnvelope;
      readonly ruling: Ruling;
      readonly posted: Posted<unknown>;
    }
  | {
      readonly kind: 'reject';
      readonly event: AnyEventEnvelope;
      readonly reason: RejectReason;
      readonly message: string;
      readonly ids: RejectionIds;
    }
  | { readonly kind: 'skip'; readonly event: AnyEventEnvelope; readonly message: string };

interface Relevant {
  readonly event: AnyEventEnvelope;
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/**
 * Turns payment events into at most one journal entry each (or a ledger.entry_rejected), inside
 * the consumer's transaction: the state rows, the entries and the outgoing events commit together,
 * once. Set-based: the state rows of a whole batch are locked in one go, the pure rules run in
 * memory in event order (each event sees what the ones before it did), then everything is written
 * with a few multi-row statements, the ledger head taken and moved once.
 */
@Injectable()
export class PostPaymentEvent {
  private readonly logger = new Logger('PostPaymentEvent');

  constructor(
    private readonly journalWriter: JournalWriter,
    private readonly journalQueries: JournalQueries,
    private readonly state: LedgerStateRepository,
  ) {}

  /** One event, in the active span (the consumer's one-by-one path). */
  async execute(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    await this.executeBatch([{ event, inSpan: (work) => work() }], manager);
  }

  /**
   * Events in their order, in one transaction. A poison event throws UnprocessableEventError; the
   * consumer then replays the batch one by one, so that only that event is dead-lettered.
   */
  async executeBatch(events: readonly EventToPost[], manager: EntityManager): Promise<void> {
    try {
      await this.post(events, manager);
    } catch (error) {
      if (
        error instanceof MoneyError ||
        (error instanceof LedgerRuleError && !(error instanceof InsufficientBalanceError))
      ) {
        const [first] = events;
        const which =
          events.length === 1 && first !== undefined
            ? `${first.event.type} ${first.event.id}`
            : `a batch of ${events.length}`;
        throw new UnprocessableEventError(`${which}: ${error.message}`);
      }
      throw error;
    }
  }

  private async post(events: readonly EventToPost[], manager: EntityManager): Promise<void> {
    const moving = events.flatMap((e) => {
      const keys = stateKeysOf(e.event);
      return keys === null ? [] : [{ ...e, keys }]; // an event that moves no money is ignored
    });
    if (moving.length === 0) return;
    // Both reads are sent at once; the trace contexts are taken while the database answers.
    const reading = Promise.all([
      this.state.lock(manager, mergeStateKeys(moving.map((e) => e.keys))),
      this.journalQueries.findBySourceEvents(
        manager,
        moving.map(({ event }) => event.id),
      ),
    ]);
    reading.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const relevant: Relevant[] = [];
    for (const { event, inSpan } of moving) {
      // What the event publishes continues its own consumer span.
      relevant.push({ event, traceHeaders: await inSpan(() => Promise.resolve(currentTraceHeaders())) });
    }
    const [stored, alreadyPosted] = await reading;
    // A balance guard is checked against balances under the account locks, which need the
    // entries first: decide, lock, check; a refused event is decided again as rejected, and the
    // events after it with it (a later payout may now fit).
    const refused = new Map<AnyEventEnvelope, InsufficientBalanceError>();
    let locked: LockedAccounts = new Map();
    for (;;) {
      const { outcomes, state } = this.decide(relevant, stored, alreadyPosted, refused);
      const posts = outcomes.filter((o): o is Extract<Outcome, { kind: 'post' }> => o.kind === 'post');
      const unlocked = posts
        .flatMap((p) => p.posted.entry.postings.map((line) => line.account))
        .filter((account) => !locked.has(account.code));
      const locking = unlocked.length > 0 ? this.journalWriter.lockAccounts(manager, unlocked) : null;
      locking?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      // Built and validated while the accounts' locks are awaited: only the chain position
      // (sequence, hash, aggregate sequence) is left to fill in once they are held.
      const drafts = await this.outgoing(relevant, outcomes);
      if (locking !== null) locked = new Map([...locked, ...(await locking)]);
      const breached = firstBreachedGuard(
        posts.map((p) => ({ postings: p.posted.entry.postings, guards: p.posted.guards })),
        balancesOf(locked),
      );
      const refusedPost = breached === null ? undefined : posts[breached.index];
      if (breached !== null && refusedPost !== undefined) {
        refused.set(refusedPost.event, breached.error);
        continue;
      }
      const entries = await this.journalWriter.chainEntries(
        manager,
        posts.map((p, i) => ({
          draft: p.posted.entry,
          sourceEventId: p.event.id,
          id: drafts.entryIds[i],
        })),
      );
      const writing = Promise.all([
        this.journalWriter.writeEntries(manager, entries, locked),
        this.state.write(manager, state.writes()),
        appendTracedToOutbox(manager, placeInChain(drafts.traced, entries)),
      ]);
      await writing;
      return;
    }
  }

  /** Runs the rules of each event in order against the stored state as the events before it changed it. */
  private decide(
    relevant: readonly Relevant[],
    stored: StoredState,
    alreadyPosted: ReadonlyMap<string, StoredEntry>,
    refused: ReadonlyMap<AnyEventEnvelope, InsufficientBalanceError>,
  ): { outcomes: Outcome[]; state: StateSnapshot } {
    const state = new StateSnapshot(stored);
    const outcomes: Outcome[] = [];
    for (const { event } of relevant) {
      const ruling = ruleFor(event, state);
      if (ruling === null) continue;
      const { decision } = ruling;
      const refusal = refused.get(event);
      if (decision.outcome === 'ignore') {
        outcomes.push({ kind: 'skip', event, message: `${event.type} ${event.id}: ${decision.message}` });
      } else if (decision.outcome === 'reject') {
        const { reason, message } = decision;
        outcomes.push({ kind: 'reject', event, reason, message, ids: ruling.rejectionIds });
      } else if (refusal !== undefined) {
        const { message } = refusal;
        outcomes.push({
          kind: 'reject',
          event,
          reason: 'insufficient_balance',
          message,
          ids: ruling.rejectionIds,
        });
      } else {
        const existing = alreadyPosted.get(event.id);
        if (existing === undefined) {
          state.apply(ruling.change);
          outcomes.push({ kind: 'post', event, ruling, posted: decision });
        } else if (sameEntry(existing, decision)) {
          outcomes.push({
            kind: 'skip',
            event,
            message: `${event.type} ${event.id} already posted as entry ${existing.id}; skipped`,
          });
        } else {
          this.logger.error(
            `source event ${event.id} reused with different content; entry ${existing.id} kept`,
          );
          throw new UnprocessableEventError(
            `source event ${event.id} was already posted with different content`,
          );
        }
      }
    }
    return { outcomes, state };
  }

  /**
   * ledger.entry_posted and ledger.entry_rejected in event order, each continuing its source's
   * trace and validated against its contract. An entry_posted is built before its entry is
   * chained, with the entry id chosen here and its chain position left at a placeholder that
   * placeInChain fills in. Yields to I/O now and then, so that pending queries keep going.
   */
  private async outgoing(
    relevant: readonly Relevant[],
    outcomes: readonly Outcome[],
  ): Promise<{ traced: OutgoingDraft[]; entryIds: string[] }> {
    const traceHeaders = new Map(relevant.map((r) => [r.event, r.traceHeaders]));
    const traced: OutgoingDraft[] = [];
    const entryIds: string[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      if (index % OUTGOING_BETWEEN_YIELDS === OUTGOING_BETWEEN_YIELDS - 1) await yieldToIo();
      const headers = traceHeaders.get(outcome.event) ?? {};
      if (outcome.kind === 'skip') {
        this.logger.log(outcome.message);
      } else if (outcome.kind === 'reject') {
        traced.push({ event: this.rejected(outcome), traceHeaders: headers, entryIndex: null });
      } else {
        const entryId = randomUUID();
        traced.push({
          event: entryPosted(outcome, entryId),
          traceHeaders: headers,
          entryIndex: entryIds.length,
        });
        entryIds.push(entryId);
      }
    }
    return { traced, entryIds };
  }

  private rejected(outcome: Extract<Outcome, { kind: 'reject' }>) {
    const { event, reason, message, ids } = outcome;
    this.logger.warn(`${event.type} ${event.id} rejected: ${reason}: ${message}`);
    return createEvent(
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
  }
}

/** An outgoing event; an entry_posted's chain position is filled in from entries[entryIndex]. */
interface OutgoingDraft extends TracedEvent {
  readonly entryIndex: number | null;
}

/** Placeholders of an entry_posted built ahead; valid for the contract, replaced before writing. */
const UNCHAINED_SEQUENCE = '1';
const UNCHAINED_HASH = '0'.repeat(64);
const UNCHAINED_AGGREGATE_SEQUENCE = 1;
const SEQUENCE_PATTERN = /^[1-9][0-9]*$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The events built ahead with their entries' chain positions: sequence, hash and aggregate
 * sequence, each checked as its contract checks it (the rest was validated when built).
 */
function placeInChain(drafts: readonly OutgoingDraft[], entries: readonly AppendedEntry[]): TracedEvent[] {
  return drafts.map(({ event, traceHeaders, entryIndex }) => {
    if (entryIndex === null) return { event, traceHeaders };
    const entry = entries[entryIndex];
    if (entry === undefined || event.type !== 'ledger.entry_posted') {
      throw new Error(`no entry appended for ${event.id}`);
    }
    const posted = event as EventEnvelope<'ledger.entry_posted'>;
    if (entry.id !== posted.data.entryId) throw new Error(`entry ${entry.id} is not ${posted.data.entryId}`);
    const sequence = entry.sequence.toString();
    if (!SEQUENCE_PATTERN.test(sequence) || !HASH_PATTERN.test(entry.hash)) {
      throw new Error(`entry ${entry.id} has an invalid chain position ${sequence} ${entry.hash}`);
    }
    if (!Number.isSafeInteger(entry.aggregateEntryCount) || entry.aggregateEntryCount < 1) {
      throw new Error(`entry ${entry.id} has an invalid aggregate count ${entry.aggregateEntryCount}`);
    }
    const chained: EventEnvelope<'ledger.entry_posted'> = {
      ...posted,
      aggregateSequence: entry.aggregateEntryCount,
      data: { ...posted.data, sequence, hash: entry.hash },
    };
    return { event: chained, traceHeaders };
  });
}

function entryPosted(outcome: Extract<Outcome, { kind: 'post' }>, entryId: string) {
  const { event, ruling, posted } = outcome;
  const { context } = posted;
  const draft = posted.entry;
  return createEvent(
    'ledger.entry_posted',
    {
      entryId,
      sequence: UNCHAINED_SEQUENCE,
      hash: UNCHAINED_HASH,
      kind: draft.kind,
      sourceEventId: event.id,
      reversesEntryId: null,
      postings: draft.postings.map((p) => ({
        accountCode: p.account.code,
        accountType: p.account.type,
        currency: p.account.currency,
        amountMinor: p.amountMinor.toString(),
      })),
      context: {
        ...(draft.merchantId === null ? {} : { merchantId: draft.merchantId }),
        ...(draft.paymentId === null ? {} : { paymentId: draft.paymentId }),
        ...ruling.contextIds,
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
        occurredAt: draft.occurredAt.toISOString(),
      },
    },
    causedBy(event, UNCHAINED_AGGREGATE_SEQUENCE, draft.aggregateId),
  );
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
