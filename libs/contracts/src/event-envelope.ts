import { randomUUID } from 'node:crypto';
import { EVENT_CATALOGUE, isEventType, type EventData, type EventType } from './catalogue';
import { envelopeSchema, type EnvelopeMetadata } from './envelope';

export interface EventEnvelope<T extends EventType = EventType> extends EnvelopeMetadata {
  readonly type: T;
  readonly schemaVersion: number;
  readonly data: EventData<T>;
}

/** A discriminated union of every envelope, so `switch (event.type)` narrows `data`. */
export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];

/** Raised when a message does not match its contract: it goes to the dead-letter topic. */
export class ContractViolationError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(`${message}: ${issues.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

export interface NewEventMetadata {
  readonly aggregateId: string;
  readonly aggregateSequence: number;
  readonly merchantId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly id?: string;
  readonly occurredAt?: Date;
}

/** Builds an envelope and validates it against the catalogue; throws ContractViolationError. */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  metadata: NewEventMetadata,
): EventEnvelope<T> {
  const envelope = {
    id: metadata.id ?? randomUUID(),
    type,
    schemaVersion: EVENT_CATALOGUE[type].schemaVersion,
    occurredAt: (metadata.occurredAt ?? new Date()).toISOString(),
    aggregateId: metadata.aggregateId,
    aggregateSequence: metadata.aggregateSequence,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    merchantId: metadata.merchantId,
    data,
  };
  return parseEvent(envelope) as EventEnvelope<T>;
}

/** Metadata for an event caused by another: same correlation, causation is the cause's id. */
export function causedBy(
  cause: EnvelopeMetadata,
  aggregateSequence: number,
  aggregateId: string = cause.aggregateId,
): NewEventMetadata {
  return {
    aggregateId,
    aggregateSequence,
    merchantId: cause.merchantId,
    correlationId: cause.correlationId,
    causationId: cause.id,
  };
}

/** Validates an untrusted value (a decoded message) as an envelope of a known type and version. */
export function parseEvent(value: unknown): AnyEventEnvelope {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) {
    throw new ContractViolationError(
      'invalid event envelope',
      envelope.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const { type, schemaVersion } = envelope.data;
  if (!isEventType(type)) {
    throw new ContractViolationError('unknown event type', [type]);
  }
  const entry = EVENT_CATALOGUE[type];
  if (schemaVersion !== entry.schemaVersion) {
    throw new ContractViolationError('unsupported schema version', [
      `${type} v${schemaVersion}, expected v${entry.schemaVersion}`,
    ]);
  }
  const data = entry.data.safeParse(envelope.data.data);
  if (!data.success) {
    throw new ContractViolationError(
      `invalid ${type} data`,
      data.error.issues.map((issue) => `data.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return { ...envelope.data, type, data: data.data } as AnyEventEnvelope;
}

/** Decodes a Kafka message value (UTF-8 JSON) into a validated envelope. */
export function decodeEvent(value: Buffer | null): AnyEventEnvelope {
  if (value === null) throw new ContractViolationError('empty message', ['value is null']);
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new ContractViolationError('message is not JSON', [(error as Error).message]);
  }
  return parseEvent(json);
}

export function encodeEvent(event: AnyEventEnvelope | EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

export function topicOf(type: EventType): string {
  return EVENT_CATALOGUE[type].topic.name;
}
