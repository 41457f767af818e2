import type { EntityManager } from 'typeorm';
import { parseEvent, type AnyEventEnvelope, type EventEnvelope, type EventType } from '@platform/contracts';
import type { TransactionalOutbox } from '@platform/db';

/**
 * A TransactionalOutbox for unit tests: keeps what a use case appended, in order, after checking
 * each event against its contract as the real writer does. The manager is not touched.
 */
export class RecordingOutbox implements TransactionalOutbox {
  readonly events: AnyEventEnvelope[] = [];

  append(_manager: EntityManager, events: readonly EventEnvelope<EventType>[]): Promise<void> {
    for (const event of events) parseEvent(event);
    this.events.push(...(events as readonly AnyEventEnvelope[]));
    return Promise.resolve();
  }
}
