import { randomUUID } from 'node:crypto';
import {
  ContractViolationError,
  causedBy,
  createEvent,
  decodeEvent,
  encodeEvent,
  parseEvent,
  topicOf,
} from './event-envelope';
import { EVENT_CATALOGUE } from './catalogue';
import { TOPICS, allTopicDefinitions, deadLetterTopicName, physicalTopicName } from './topics';

const metadata = {
  aggregateId: 'pay_0123456789abcdefghijklmn',
  aggregateSequence: 1,
  merchantId: 'mer_0123456789abcdef',
  correlationId: randomUUID(),
  causationId: null,
};

const assessed = () =>
  createEvent(
    'risk.assessed',
    { paymentId: metadata.aggregateId, decision: 'approve', score: 5, reasons: [] },
    metadata,
  );

describe('createEvent', () => {
  it('fills the envelope from the catalogue', () => {
    const event = assessed();
    expect(event).toMatchObject({ type: 'risk.assessed', schemaVersion: 1, aggregateSequence: 1 });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
  });

  it('refuses data that breaks the contract', () => {
    expect(() =>
      createEvent(
        'risk.assessed',
        // A score above 100 is out of contract.
        { paymentId: metadata.aggregateId, decision: 'approve', score: 101, reasons: [] },
        metadata,
      ),
    ).toThrow(ContractViolationError);
  });

  it('refuses money as a float', () => {
    const data = {
      paymentId: metadata.aggregateId,
      amountMinor: '10.5',
      currency: 'USD',
      paymentMethodType: 'card',
      processor: 'simulated-a',
      processorReference: 'ref_1',
      captureId: 'cap_0123456789abcdef',
      final: true,
    } as const;
    expect(() => createEvent('payment.captured', data, metadata)).toThrow(/minor units/);
  });

  it('refuses an unknown currency', () => {
    const data = {
      paymentId: metadata.aggregateId,
      amountMinor: '1000',
      currency: 'XYZ',
      paymentMethodType: 'card',
      processor: 'simulated-a',
      processorReference: 'ref_1',
      captureId: 'cap_0123456789abcdef',
      final: true,
    } as const;
    expect(() => createEvent('payment.captured', data, metadata)).toThrow(/ISO 4217/);
  });
});

describe('causedBy', () => {
  it('keeps the correlation and points causation at the cause', () => {
    const cause = assessed();
    const next = causedBy(cause, 2);
    expect(next).toMatchObject({
      aggregateId: cause.aggregateId,
      aggregateSequence: 2,
      correlationId: cause.correlationId,
      causationId: cause.id,
      merchantId: cause.merchantId,
    });
  });
});

describe('decodeEvent', () => {
  it('round-trips an encoded event', () => {
    const event = assessed();
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['null value', null],
    ['an envelope without id', Buffer.from(JSON.stringify({ ...assessed(), id: undefined }))],
    ['an unknown type', Buffer.from(JSON.stringify({ ...assessed(), type: 'payment.teleported' }))],
    ['a future schema version', Buffer.from(JSON.stringify({ ...assessed(), schemaVersion: 2 }))],
    ['an extra envelope field', Buffer.from(JSON.stringify({ ...assessed(), extra: 1 }))],
    ['bad data', Buffer.from(JSON.stringify({ ...assessed(), data: { paymentId: 'x' } }))],
  ])('rejects %s with a ContractViolationError', (_name, value) => {
    expect(() => decodeEvent(value)).toThrow(ContractViolationError);
  });

  it('names the broken field', () => {
    expect(() => parseEvent({ ...assessed(), data: { ...assessed().data, decision: 'maybe' } })).toThrow(
      /data\.decision/,
    );
  });
});

describe('topic registry', () => {
  it('routes every catalogue entry to a registered topic', () => {
    const names = new Set<string>(Object.values(TOPICS).map((topic) => topic.name));
    for (const type of Object.keys(EVENT_CATALOGUE) as (keyof typeof EVENT_CATALOGUE)[]) {
      expect(names.has(topicOf(type))).toBe(true);
    }
  });

  it('declares a dead-letter topic for every topic', () => {
    const all = allTopicDefinitions().map((topic) => topic.name);
    for (const topic of Object.values(TOPICS)) expect(all).toContain(deadLetterTopicName(topic.name));
  });

  it('prefixes a namespace', () => {
    expect(physicalTopicName('', 'payments.events')).toBe('payments.events');
    expect(physicalTopicName('e2e-1', 'payments.events')).toBe('e2e-1.payments.events');
  });
});
